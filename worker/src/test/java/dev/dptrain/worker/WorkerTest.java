package dev.dptrain.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.StepCoordinates;
import org.junit.jupiter.api.Test;

/** The worker's share of a step is the model's single-process gradient of that share, bit for bit. */
class WorkerTest {
  private static final NetworkSpec NET = NetworkSpec.builder(Shape.vector(4)).dense(6).batchNorm().relu()
      .dropout(0.3).dense(3).build();

  private static Dataset data(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * 4];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = r.nextInt(3);
      for (int j = 0; j < 4; j++) x[i * 4 + j] = (float) (y[i] + r.nextGaussian());
    }
    return new Dataset(Shape.vector(4), 1, x, y);
  }

  @Test
  void partitionGradientEqualsTheSingleProcessGradientOfItsSlice() {
    Dataset data = data(53, 1);
    int p = 1;
    StepCoordinates at = new StepCoordinates(7, 2, 13, 3, 5);
    Network reference = Network.build(NET);
    float[] params = reference.initParams(7);

    // By hand: partition p's order in epoch 2, its slice of step 3 of 5, the batch seed of (step 13, p).
    int[] order = BatchPlan.localOrder(7, 2, p, data.size());
    int from = (int) BatchPlan.sliceFrom(data.size(), 5, 3);
    int to = (int) BatchPlan.sliceFrom(data.size(), 5, 4);
    float[] xb = new float[(to - from) * 4];
    float[] yb = new float[to - from];
    data.gather(order, from, to - from, xb, yb);
    GradientSum expected = new GradientSum();
    reference.accumulateGradient(params, null, xb, yb, to - from, BatchPlan.batchSeed(7, 13, p), expected);

    for (int attempt = 0; attempt < 2; attempt++) { // the second call reuses the worker's buffers
      GradientSum got = Worker.get().gradient(NET, params, new PackedPartition(p, data), at, Augmentation.NONE);
      assertEquals(to - from, got.count);
      assertArrayEquals(expected.grad, got.grad);
      assertArrayEquals(expected.normStats, got.normStats);
      assertEquals(expected.lossSum, got.lossSum);
      assertEquals(expected.correct, got.correct);
    }
  }

  @Test
  void aPartitionWithNoShareOfTheStepReturnsAnEmptySum() {
    // 2 examples over 5 steps: step 0 takes positions [0, 0), nothing.
    GradientSum got = Worker.get().gradient(NET, Network.build(NET).initParams(1), new PackedPartition(0, data(2, 2)),
        new StepCoordinates(1, 0, 0, 0, 5), Augmentation.NONE);
    assertEquals(0, got.count);
    assertNull(got.grad);
  }

  @Test
  void evaluateIsTheNetworksEvaluationOfThePartition() {
    Dataset data = data(37, 3);
    Network net = Network.build(NET);
    float[] params = net.initParams(4);
    float[] state = net.initState();
    var expected = net.evaluate(params, state, data, 1000);
    var got = Worker.get().evaluate(NET, params, state, new PackedPartition(2, data));
    assertEquals(37, got.count);
    assertEquals(expected.count, got.count);
    assertEquals(expected.lossSum, got.lossSum);
    assertEquals(expected.correct, got.correct);
    assertSame(Worker.get().network(NET), Worker.get().network(NET), "one network per spec and thread");
  }

  /** By hand: the pooled training-mode statistics of the partition's slices of steps 0..k-1 of epoch 0. */
  private static double[] statsByHand(Dataset data, int p, float[] params, long seed, long stepsPerEpoch, int k) {
    Network net = Network.build(NET);
    double[] pooled = net.emptyStats();
    int n = data.size();
    int[] order = BatchPlan.localOrder(seed, 0, p, n);
    for (int s = 0; s < k; s++) {
      int from = (int) BatchPlan.sliceFrom(n, stepsPerEpoch, s);
      int to = (int) BatchPlan.sliceFrom(n, stepsPerEpoch, s + 1);
      if (to == from) continue;
      float[] xb = new float[(to - from) * 4];
      float[] yb = new float[to - from];
      data.gather(order, from, to - from, xb, yb);
      dev.dptrain.model.layers.NormStats.merge(pooled,
          net.batchStatistics(params, null, xb, to - from, BatchPlan.batchSeed(seed, s, p)));
    }
    return pooled;
  }

  @Test
  void batchStatisticsPoolTheFirstStepsOfEpochZero() {
    Dataset data = data(29, 5);
    float[] params = Network.build(NET).initParams(6);
    PackedPartition part = new PackedPartition(1, data);
    double[] two = Worker.get().batchStatistics(NET, params, part, 11, 4, 2);
    assertArrayEquals(statsByHand(data, 1, params, 11, 4, 2), two);
    // more batches than steps per epoch: the whole epoch, once
    assertArrayEquals(statsByHand(data, 1, params, 11, 4, 4), Worker.get().batchStatistics(NET, params, part, 11, 4, 9));
    double[] one = Worker.get().batchStatistics(NET, params, part, 11, 4, 1);
    assertTrue(one[1] > 0 && one[1] < two[1], "count of step 0's slice below that of two steps: " + one[1] + " " + two[1]);
    assertEquals(7.0, one[1], "29 examples over 4 steps: step 0 takes 7");
    // 2 examples over 5 steps: empty slices are skipped, the pooled count is still 2
    Dataset tiny = data(2, 8);
    double[] all = Worker.get().batchStatistics(NET, params, new PackedPartition(0, tiny), 3, 5, 5);
    assertEquals(2.0, all[1]);
    assertArrayEquals(statsByHand(tiny, 0, params, 3, 5, 5), all);
  }
}
