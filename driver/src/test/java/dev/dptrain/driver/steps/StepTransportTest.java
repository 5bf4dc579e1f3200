package dev.dptrain.driver.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.data.PackedData;
import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The channel transport computes exactly what the per-step broadcast job does, also across failures. */
class StepTransportTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();

  private static NetworkSpec net() {
    return NetworkSpec.builder(Shape.vector(8)).dense(16).batchNorm().relu().dropout(0.3).dense(12).batchNorm()
        .relu().dense(3).build();
  }

  private static TrainSpec spec() {
    return TrainSpec.sgdMomentum(0.01).withBatch(40).withEpochs(2).withRegularisation(1e-3, 0, 1.0)
        .withOptimizer(new Adam(0.9, 0.999, 1e-8, 1e-2));
  }

  private TrainingState fit(JavaRDD<PackedPartition> rdd, SparkTrainer.Options options, StepTransport.Kind expect) {
    SparkTrainer trainer = new SparkTrainer(sc, net(), spec(), options);
    TrainingState s = trainer.fit(rdd, null, new TrainingLoop.Listener() {});
    assertEquals(expect, trainer.transportUsed());
    return s;
  }

  private static void assertSameState(TrainingState expected, TrainingState actual, String what) {
    assertEquals(expected.step, actual.step, what + ": steps");
    assertArrayEquals(expected.params, actual.params, what + ": parameters");
    assertArrayEquals(expected.optimizerState, actual.optimizerState, what + ": optimiser state");
    assertArrayEquals(expected.normState, actual.normState, what + ": BN running statistics");
  }

  @ParameterizedTest
  @EnumSource(value = StepTransport.Kind.class, names = {"CHANNEL", "CHANNEL_TCP"})
  void channelIsBitIdenticalToBroadcastJobs(StepTransport.Kind kind) {
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, SparkTestSupport.blobs(400, 8, 3, 21), 2);
    TrainingState broadcast = fit(rdd, SparkTrainer.Options.builder().optTransport(StepTransport.Kind.BROADCAST).build(),
        StepTransport.Kind.BROADCAST);
    TrainingState channel = fit(rdd, SparkTrainer.Options.builder().optTransport(kind).build(), kind);
    assertEquals(20, channel.step);
    assertNotEquals(0f, channel.params[0]);
    assertSameState(broadcast, channel, kind.configName());
  }

  /** The first attempt of partition 0's task fails mid-epoch; Spark reruns the barrier stage. */
  @ParameterizedTest
  @EnumSource(value = StepTransport.Kind.class, names = {"BROADCAST", "CHANNEL", "CHANNEL_TCP"})
  void retriedTasksGiveTheCleanRunsResult(StepTransport.Kind kind) throws Exception {
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, SparkTestSupport.blobs(400, 8, 3, 22), 2);
    TrainingState clean = fit(rdd, SparkTrainer.Options.builder().optTransport(StepTransport.Kind.BROADCAST).build(),
        StepTransport.Kind.BROADCAST);
    TrainingState retried = SparkTestSupport.failingFirstAttemptAt(13,
        () -> fit(rdd, SparkTrainer.Options.builder().optTransport(kind).build(), kind));
    assertSameState(clean, retried, kind.configName() + " with a retried task");
  }

  @Test
  void autoPicksTheChannelOnlyWhenEveryPartitionHasATaskSlot() {
    Dataset data = SparkTestSupport.blobs(400, 8, 3, 23);
    TrainingState two = fit(PackedData.fromDataset(sc, data, 2), SparkTrainer.Options.defaults(),
        StepTransport.Kind.CHANNEL);
    // local[2,4] has 2 task slots: 3 partitions cannot all run at once, so steps are jobs.
    TrainingState three = fit(PackedData.fromDataset(sc, data, 3), SparkTrainer.Options.defaults(),
        StepTransport.Kind.BROADCAST);
    assertNotEquals(two.params[0], three.params[0]); // different splits, different BN batches
    fit(PackedData.fromDataset(sc, data, 2), SparkTrainer.Options.builder().optTreeDepth(2).build(),
        StepTransport.Kind.BROADCAST);
  }

  /** Stopping mid-epoch releases the epoch's tasks: the context can run other jobs right after. */
  @Test
  void stoppingMidEpochReleasesTheExecutors() {
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, SparkTestSupport.blobs(400, 8, 3, 24), 2);
    SparkTrainer trainer = new SparkTrainer(sc, net(), spec(), SparkTrainer.Options.defaults());
    TrainingState s = trainer.fit(rdd, null, new TrainingLoop.Listener() {
      @Override
      public boolean stopRequested(TrainingState state) {
        return state.step == 4;
      }
    });
    assertEquals(4, s.step);
    assertEquals(StepTransport.Kind.CHANNEL, trainer.transportUsed());
    Evaluation ev = trainer.evaluate(rdd, s);
    assertEquals(400, ev.count);
  }

  @Test
  void augmentationTrainsIdenticallyOverTheChannel() {
    Dataset images = SparkTestSupport.blobs(240, 16, 3, 25);
    Dataset data = new Dataset(Shape.image(1, 4, 4), images.labelWidth(), images.features(), images.labels());
    NetworkSpec cnn = NetworkSpec.builder(Shape.image(1, 4, 4)).conv2d(4, 3, 1, 1).batchNorm().relu()
        .flatten().dense(3).build();
    TrainSpec ts = TrainSpec.sgdMomentum(0.05).withBatch(40).withEpochs(1).withAugmentation(new Augmentation(true, 1));
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainingState a = new SparkTrainer(sc, cnn, ts, SparkTrainer.Options.builder()
        .optTransport(StepTransport.Kind.BROADCAST).build()).fit(rdd, null, new TrainingLoop.Listener() {});
    TrainingState b = new SparkTrainer(sc, cnn, ts, SparkTrainer.Options.builder()
        .optTransport(StepTransport.Kind.CHANNEL_TCP).build()).fit(rdd, null, new TrainingLoop.Listener() {});
    assertSameState(a, b, "augmented CNN");
  }
}
