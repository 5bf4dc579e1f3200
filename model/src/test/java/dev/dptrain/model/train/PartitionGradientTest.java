package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** One partition's share of a step: its slice, its reused buffers, its cached local order. */
class PartitionGradientTest {
  private static final Network NET =
      Network.build(NetworkSpec.builder(Shape.vector(2)).dense(2).loss("softmax_cross_entropy").build());
  private static final Dataset DATA = new Dataset(Shape.vector(2), 1,
      new float[] {0.5f, -1f, 1.5f, 0.25f, -1f, 1f, 2f, -0.75f, 0f, 0.5f}, new float[] {0, 1, 1, 0, 1});

  @Test
  void theCachedLocalOrderIsTheOneForTheAskedSeedEpochPartitionAndSize() {
    PartitionGradient pg = new PartitionGradient();
    // Each key differs from the one before in one field; (43, p 0) after (42, p 1) has the same
    // seed XOR partition, which must not count as the same key.
    long[][] keys = {{1, 0, 0, 10}, {2, 0, 0, 10}, {2, 1, 0, 10}, {2, 1, 1, 10}, {2, 1, 1, 11}, {42, 1, 1, 11},
        {43, 1, 0, 11}};
    int[] previous = null;
    for (long[] k : keys) {
      int[] order = pg.localOrder(k[0], (int) k[1], (int) k[2], (int) k[3]);
      int[] fresh = BatchPlan.localOrder(k[0], (int) k[1], (int) k[2], (int) k[3]);
      assertArrayEquals(fresh, order, Arrays.toString(k));
      assertFalse(Arrays.equals(previous, fresh), "the keys are chosen so that consecutive orders differ");
      assertSame(order, pg.localOrder(k[0], (int) k[1], (int) k[2], (int) k[3]), "same key: the cached order");
      previous = fresh;
    }
  }

  @Test
  void theGradientBufferIsReusedAndStartsFromZeroEveryStep() {
    float[] params = NET.initParams(3);
    PartitionGradient reused = new PartitionGradient();
    StepCoordinates first = new StepCoordinates(5, 0, 0, 0, 2);
    StepCoordinates second = new StepCoordinates(5, 0, 1, 1, 2);
    GradientSum a = reused.compute(NET, params, DATA, 0, first, Augmentation.NONE);
    float[] buffer = a.grad;
    GradientSum b = reused.compute(NET, params, DATA, 0, second, Augmentation.NONE);
    assertSame(buffer, b.grad, "one gradient buffer per partition, not one per step");
    GradientSum alone = new PartitionGradient().compute(NET, params, DATA, 0, second, Augmentation.NONE);
    assertArrayEquals(alone.grad, b.grad, "the second step's gradient holds nothing of the first's");
    assertEquals(alone.lossSum, b.lossSum);
    assertEquals(3, b.count); // the slice [2, 5) of 5 examples in 2 steps
    assertEquals(2, a.count);
  }

  @Test
  void anotherModelGetsAGradientBufferOfItsOwnSize() {
    // One executor may train several models in turn (a search's trials).
    Network wider = Network.build(NetworkSpec.builder(Shape.vector(2)).dense(3).dense(2)
        .loss("softmax_cross_entropy").build());
    PartitionGradient pg = new PartitionGradient();
    StepCoordinates at = new StepCoordinates(5, 0, 0, 0, 1);
    assertEquals(NET.paramCount(), pg.compute(NET, NET.initParams(3), DATA, 0, at, Augmentation.NONE).grad.length);
    GradientSum w = pg.compute(wider, wider.initParams(3), DATA, 0, at, Augmentation.NONE);
    assertArrayEquals(new PartitionGradient().compute(wider, wider.initParams(3), DATA, 0, at, Augmentation.NONE).grad,
        w.grad);
  }

  @Test
  void aPartitionWithNothingInTheStepSendsNoGradient() {
    // 5 examples over 8 steps: step 1's slice [floor(5/8), floor(10/8)) = [0, 1) has one, step 2's [1, 1) none.
    PartitionGradient pg = new PartitionGradient();
    long t0 = System.nanoTime();
    GradientSum empty = pg.compute(NET, NET.initParams(3), DATA, 0, new StepCoordinates(5, 0, 2, 2, 8),
        Augmentation.NONE);
    long elapsed = System.nanoTime() - t0;
    assertNull(empty.grad);
    assertEquals(0, empty.count);
    assertTrue(empty.computeNanos >= 0 && empty.computeNanos <= elapsed, "compute time " + empty.computeNanos);
    GradientSum one = pg.compute(NET, NET.initParams(3), DATA, 0, new StepCoordinates(5, 0, 1, 1, 8),
        Augmentation.NONE);
    assertNotNull(one.grad);
    assertEquals(1, one.count);
  }

  @Test
  void stepCoordinatesGiveTheBatchPlansSliceAndSeed() {
    StepCoordinates at = new StepCoordinates(42, 3, 17, 2, 8);
    for (int p = 0; p < 3; p++) assertEquals(BatchPlan.batchSeed(42, 17, p), at.batchSeed(p));
    assertEquals(BatchPlan.sliceFrom(100, 8, 2), at.sliceFrom(100));
    assertEquals(BatchPlan.sliceFrom(100, 8, 3), at.sliceTo(100));
  }
}
