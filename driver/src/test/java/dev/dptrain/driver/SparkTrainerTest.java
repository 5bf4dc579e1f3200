package dev.dptrain.driver;

import dev.dptrain.driver.data.PackedData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Sgd;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkTrainerTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();

  private static NetworkSpec mlp(boolean bn, double dropout) {
    NetworkSpec.Builder b = NetworkSpec.builder(Shape.vector(8)).dense(16);
    if (bn) b.batchNorm();
    b.relu().dense(12);
    if (bn) b.batchNorm();
    b.activation(dev.dptrain.model.layers.Activation.Kind.TANH, 0);
    if (dropout > 0) b.dropout(dropout);
    return b.dense(3).build();
  }

  private static TrainSpec spec(int batch, int epochs) {
    return TrainSpec.sgdMomentum(0.05).withBatch(batch).withEpochs(epochs).withRegularisation(1e-3, 0, 1.0);
  }

  private static double maxRelErr(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-3, Math.abs(a[i]) + Math.abs(b[i])));
    }
    return worst;
  }

  /** ‖a - b‖₂ / ‖b‖₂ in double. */
  private static double normRelErr(float[] a, float[] b) {
    double d = 0;
    double n = 0;
    for (int i = 0; i < a.length; i++) {
      d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
      n += (double) b[i] * b[i];
    }
    return Math.sqrt(d / n);
  }

  /** (a) Without BN or dropout, each distributed step equals one step on the concatenated batch. */
  @Test
  void distributedStepEqualsSingleStepOnConcatenatedBatch() {
    int p = 2;
    int b = 16;
    Dataset data = SparkTestSupport.blobs(p * b * 20, 8, 3, 1);
    NetworkSpec net = mlp(false, 0);
    TrainSpec ts = spec(p * b, 1);
    List<float[]> distributedParams = new ArrayList<>();
    SparkTrainer trainer = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults());
    TrainingState dist = trainer.fit(PackedData.fromDataset(sc, data, p), null, new TrainingLoop.Listener() {
      @Override
      public boolean stopRequested(TrainingState s) {
        distributedParams.add(s.params.clone());
        return false;
      }
    });
    // Reference: the same 20 steps, each on the concatenation of the partitions' slices.
    Network ref = Network.build(net);
    BatchPlan plan = new BatchPlan(BatchPlan.evenSplit(data.size(), p), ts.batchSize(), ts.seed());
    assertEquals(20, plan.stepsPerEpoch());
    Stepper stepper = new Stepper(ref, ts, plan.stepsPerEpoch());
    TrainingState single = stepper.initialState();
    int[][] orders = new int[p][];
    Dataset[] blocks = new Dataset[p];
    for (int q = 0; q < p; q++) {
      orders[q] = plan.localOrder(q, 0);
      blocks[q] = data.slice((int) BatchPlan.blockStart(data.size(), p, q), (int) plan.partitionSize(q));
    }
    for (long k = 0; k < plan.stepsPerEpoch(); k++) {
      float[] x = new float[p * b * 8];
      float[] y = new float[p * b];
      int n = 0;
      for (int q = 0; q < p; q++) {
        int from = (int) plan.sliceFrom(q, k);
        int to = (int) plan.sliceFrom(q, k + 1);
        float[] xb = new float[(to - from) * 8];
        float[] yb = new float[to - from];
        blocks[q].gather(orders[q], from, to - from, xb, yb);
        System.arraycopy(xb, 0, x, n * 8, xb.length);
        System.arraycopy(yb, 0, y, n, yb.length);
        n += to - from;
      }
      assertEquals(p * b, n);
      GradientSum sum = new GradientSum();
      ref.accumulateGradient(single.params, single.normState, x, y, n, 0, sum);
      stepper.apply(single, sum);
      double err = normRelErr(distributedParams.get((int) k), single.params);
      assertTrue(err < 1e-6, "step " + k + ": relative error ||dist - single|| / ||single|| = " + err);
    }
    assertEquals(20, dist.step);
  }

  /** (b) With BN, distributed training equals the single-process trainer with the same ghost batches. */
  @Test
  void batchNormTrainingEqualsGhostBatchTrainer() {
    Dataset data = SparkTestSupport.blobs(600, 8, 3, 2);
    Dataset val = SparkTestSupport.blobs(200, 8, 3, 2);
    NetworkSpec net = mlp(true, 0.2);
    TrainSpec ts = spec(60, 2);
    List<Evaluation> sparkVals = new ArrayList<>();
    TrainingState dist = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults())
        .fit(PackedData.fromDataset(sc, data, 3), PackedData.fromDataset(sc, val, 2), new TrainingLoop.Listener() {
          @Override
          public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
            sparkVals.add(validation);
          }
        });
    LocalTrainer local = new LocalTrainer(net, ts, 3);
    List<Evaluation> localVals = new ArrayList<>();
    TrainingState single = local.fit(data, val, new TrainingLoop.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
        localVals.add(validation);
      }
    });
    assertEquals(single.step, dist.step);
    double errP = maxRelErr(dist.params, single.params);
    double errS = maxRelErr(dist.normState, single.normState);
    assertTrue(errP < 1e-5, "parameters differ: " + errP);
    assertTrue(errS < 1e-5, "running statistics differ: " + errS);
    // Both run the same loop and the same per-partition code, merged in partition order.
    assertArrayEquals(single.params, dist.params, "local = Spark, bit for bit");
    assertArrayEquals(single.normState, dist.normState);
    assertEquals(2, sparkVals.size());
    assertEquals(localVals.get(1).meanLoss(), sparkVals.get(1).meanLoss(), 1e-5);
    assertEquals(localVals.get(1).correct, sparkVals.get(1).correct);
    assertTrue(sparkVals.get(1).accuracy() > 0.8, "validation accuracy " + sparkVals.get(1).accuracy());
  }

  /** (b) The pooled running statistics are those of the concatenated batch at the BN input. */
  @Test
  void pooledRunningStatisticsEqualConcatenatedBatch() {
    Dataset data = SparkTestSupport.blobs(90, 8, 3, 3);
    // momentum 1: the running statistics become exactly the pooled batch statistics of step 0.
    NetworkSpec net = NetworkSpec.builder(Shape.vector(8)).dense(5)
        .add(new LayerSpec.BatchNormSpec(1e-5, 1.0)).relu().dense(3).build();
    TrainSpec ts = spec(90, 1);
    // Unequal partitions including an empty one.
    List<PackedPartition> blocks = List.of(new PackedPartition(0, data.slice(0, 20)),
        new PackedPartition(1, data.slice(20, 0)), new PackedPartition(2, data.slice(20, 70)));
    TrainingState init = new Stepper(Network.build(net), ts, 1).initialState();
    TrainingState dist = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults())
        .fit(PackedData.fromBlocks(sc, blocks), null, new TrainingLoop.Listener() {});
    assertEquals(1, dist.step);
    // BN input = dense(5) of every example with the initial weights, in double.
    double[] mean = new double[5];
    double[] sq = new double[5];
    int n = data.size();
    double[][] h = new double[n][5];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < 5; j++) {
        double s = init.params[40 + j];
        for (int k = 0; k < 8; k++) s += (double) init.params[j * 8 + k] * data.features()[i * 8 + k];
        h[i][j] = s;
        mean[j] += s / n;
      }
    }
    for (int i = 0; i < n; i++) for (int j = 0; j < 5; j++) sq[j] += (h[i][j] - mean[j]) * (h[i][j] - mean[j]);
    for (int j = 0; j < 5; j++) {
      assertEquals(mean[j], dist.normState[j], 1e-5 * Math.max(1, Math.abs(mean[j])), "running mean " + j);
      double unbiased = sq[j] / (n - 1);
      assertEquals(unbiased, dist.normState[5 + j], 1e-5 * Math.max(1, unbiased), "running var " + j);
    }
  }

  @Test
  void sameSeedGivesBitIdenticalParameters() {
    Dataset data = SparkTestSupport.blobs(400, 8, 3, 4);
    NetworkSpec net = mlp(true, 0.3);
    TrainSpec ts = spec(50, 1).withOptimizer(new Adam(0.9, 0.999, 1e-8, 1e-2))
        .withSchedule(LrSchedule.constant(0.01).withWarmup(3));
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainingState a = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
    TrainingState b = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
    assertArrayEquals(a.params, b.params);
    assertArrayEquals(a.normState, b.normState);
    TrainingState c = new SparkTrainer(sc, net, ts.withSeed(7), SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
    assertTrue(maxRelErr(a.params, c.params) > 1e-3, "a different seed must give different parameters");
  }

  /**
   * Five unequal partitions (one empty) on two task threads finish in varying order; the driver
   * merges their float sums in partition order, so two runs still agree bit for bit.
   */
  @Test
  void manyUnequalPartitionsGiveBitIdenticalParameters() {
    Dataset data = SparkTestSupport.blobs(340, 8, 3, 9);
    int[] sizes = {70, 0, 130, 45, 95};
    List<PackedPartition> blocks = new ArrayList<>();
    int start = 0;
    for (int p = 0; p < sizes.length; p++) {
      blocks.add(new PackedPartition(p, data.slice(start, sizes[p])));
      start += sizes[p];
    }
    JavaRDD<PackedPartition> rdd = PackedData.fromBlocks(sc, blocks);
    NetworkSpec net = mlp(true, 0.2);
    TrainSpec ts = spec(60, 2);
    TrainingState a = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
    for (int run = 0; run < 2; run++) {
      TrainingState b = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
      assertArrayEquals(a.params, b.params);
      assertArrayEquals(a.normState, b.normState);
    }
  }

  @Test
  void retriedTaskGivesTheSameResult() {
    Dataset data = SparkTestSupport.blobs(300, 8, 3, 5);
    NetworkSpec net = mlp(true, 0.5);
    TrainSpec ts = spec(30, 1);
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainingState clean = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {});
    TrainingState retried = SparkTestSupport.failingFirstAttemptAt(3, () -> new SparkTrainer(sc, net, ts,
        SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {}));
    assertArrayEquals(clean.params, retried.params);
    assertArrayEquals(clean.normState, retried.normState);
  }

  @Test
  void resumeFromCheckpointReproducesUninterruptedRun(@TempDir Path dir) {
    Dataset data = SparkTestSupport.blobs(300, 8, 3, 6);
    NetworkSpec net = mlp(true, 0.3);
    TrainSpec ts = spec(40, 3).withOptimizer(new Sgd(0.9, true));
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    List<Evaluation> fullEpochs = new ArrayList<>();
    TrainingState full = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults()).fit(rdd, null, epochsInto(fullEpochs));
    String ckpt = dir.resolve("ckpt").toUri().toString();
    SparkTrainer.Options withCkpt = SparkTrainer.Options.builder().optCheckpoints(ckpt, 5).build();
    TrainingState crashed = new SparkTrainer(sc, net, ts, withCkpt).fit(rdd, null, new TrainingLoop.Listener() {
      @Override
      public boolean stopRequested(TrainingState s) {
        return s.step == 13; // "crash" after step 13: the newest checkpoint is step 10
      }
    });
    assertEquals(13, crashed.step);
    List<Evaluation> resumedEpochs = new ArrayList<>();
    TrainingState resumed = new SparkTrainer(sc, net, ts, withCkpt).fit(rdd, null, epochsInto(resumedEpochs));
    assertEquals(full.step, resumed.step);
    // The epoch sums are part of the checkpoint: the resumed epoch's training loss covers all its steps.
    // The run resumed from step 10, inside epoch 1 (8 steps per epoch).
    assertEquals(2, resumedEpochs.size());
    Evaluation epoch1 = fullEpochs.get(1);
    Evaluation epoch1Resumed = resumedEpochs.get(0);
    assertEquals(300, epoch1Resumed.count);
    assertEquals(epoch1.lossSum, epoch1Resumed.lossSum);
    assertEquals(epoch1.correct, epoch1Resumed.correct);
    assertArrayEquals(full.params, resumed.params);
    assertArrayEquals(full.normState, resumed.normState);
    assertArrayEquals(full.optimizerState, resumed.optimizerState);
  }

  private static TrainingLoop.Listener epochsInto(List<Evaluation> epochs) {
    return new TrainingLoop.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
        epochs.add(train);
      }
    };
  }

  @Test
  void preciseBatchNormSetsPopulationStatistics() {
    Dataset data = SparkTestSupport.blobs(240, 8, 3, 7);
    NetworkSpec net = NetworkSpec.builder(Shape.vector(8)).dense(6).batchNorm().relu().dense(3).build();
    TrainSpec ts = spec(60, 1);
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainingState s = new SparkTrainer(sc, net, ts, SparkTrainer.Options.builder().optPreciseBn(1000).build())
        .fit(rdd, null, new TrainingLoop.Listener() {});
    // All batches of epoch 0 with frozen weights cover every example once: population statistics
    // of the BN input over the whole data set.
    int n = data.size();
    for (int j = 0; j < 6; j++) {
      double sum = 0;
      double[] h = new double[n];
      for (int i = 0; i < n; i++) {
        double v = s.params[48 + j];
        for (int k = 0; k < 8; k++) v += (double) s.params[j * 8 + k] * data.features()[i * 8 + k];
        h[i] = v;
        sum += v;
      }
      double mean = sum / n;
      double ss = 0;
      for (double v : h) ss += (v - mean) * (v - mean);
      assertEquals(mean, s.normState[j], 1e-4 * Math.max(1, Math.abs(mean)));
      assertEquals(ss / (n - 1), s.normState[6 + j], 1e-4 * Math.max(1, ss / (n - 1)));
    }
  }
}
