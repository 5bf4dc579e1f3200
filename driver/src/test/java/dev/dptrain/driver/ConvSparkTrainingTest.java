package dev.dptrain.driver;

import dev.dptrain.driver.data.PackedData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * The convolutional layers on Spark: a CNN with BatchNorm2d, a residual block with inner and
 * projection BN, stochastic pooling and dropout trains to the same parameters and pooled running
 * statistics as the single-process trainer with the same ghost batches, and a retried task
 * (re-drawing stochastic pooling and dropout from the same seeds) changes nothing.
 */
class ConvSparkTrainingTest {
  private static final Shape IMG = Shape.image(1, 8, 8);
  private final JavaSparkContext sc = SparkTestSupport.sc();

  private static Dataset images(int n, long seed) {
    Dataset flat = SparkTestSupport.blobs(n, IMG.size(), 3, seed);
    return new Dataset(IMG, flat.labelWidth(), flat.features(), flat.labels());
  }

  private static NetworkSpec net() {
    return NetworkSpec.builder(IMG)
        .conv2d(4, 3, 1, 1).batchNorm().relu().stochasticPool(2)
        .residual(new LayerSpec.Conv2DSpec(6, 3, 3, 2, 1, false, Init.HE_NORMAL),
            new LayerSpec.BatchNormSpec(NetworkSpec.BN_EPS, NetworkSpec.BN_MOMENTUM))
        .relu().globalAvgPool().dropout(0.2).dense(3).build();
  }

  private static final TrainSpec SPEC = TrainSpec.sgdMomentum(0.05).withBatch(40).withEpochs(2);

  @Test
  void sparkCnnEqualsGhostBatchTrainer() {
    Dataset data = images(240, 21);
    TrainingState dist = new SparkTrainer(sc, net(), SPEC, SparkTrainer.Options.defaults())
        .fit(PackedData.fromDataset(sc, data, 2), null, new TrainingLoop.Listener() {});
    TrainingState local = new LocalTrainer(net(), SPEC, 2).fit(data, null, new TrainingLoop.Listener() {});
    assertEquals(local.step, dist.step);
    double worst = 0;
    for (int i = 0; i < local.params.length; i++) {
      double scale = Math.max(1e-3, Math.abs(local.params[i]) + Math.abs(dist.params[i]));
      worst = Math.max(worst, Math.abs(local.params[i] - dist.params[i]) / scale);
    }
    // Same batches, masks and samples on both sides; only the order of the two partitions' float
    // gradient sums differs, which leaves ~1e-6 after 12 steps. A layer that drew its randomness
    // differently, or BN statistics not pooled, would differ by > 1e-2.
    assertTrue(worst < 1e-4, "Spark and local CNN runs differ: " + worst);
    double worstStat = 0;
    for (int i = 0; i < local.normState.length; i++) {
      worstStat = Math.max(worstStat, Math.abs(local.normState[i] - dist.normState[i])
          / Math.max(1e-3, Math.abs(local.normState[i])));
    }
    assertTrue(worstStat < 1e-4, "pooled running statistics differ: " + worstStat);
  }

  @Test
  void retriedCnnTaskGivesTheSameResult() {
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, images(160, 22), 2);
    TrainingState clean = new SparkTrainer(sc, net(), SPEC, SparkTrainer.Options.defaults())
        .fit(rdd, null, new TrainingLoop.Listener() {});
    TrainingState retried = SparkTestSupport.failingFirstAttemptAt(1, () -> new SparkTrainer(sc, net(), SPEC,
        SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {}));
    assertArrayEquals(clean.params, retried.params);
    assertArrayEquals(clean.normState, retried.normState);
  }
}
