package dev.dptrain.model.train;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Examples;
import java.util.Arrays;

/**
 * One partition's share of a step: its slice of the step (from {@link StepCoordinates}) taken from
 * its seeded local order, augmented, and its gradient SUM, loss sum, count and batch statistics.
 * The Spark worker calls it for real partitions, {@link LocalSteps} for simulated ones, so both
 * compute the same thing by construction.
 *
 * <p>Buffers (gradient, local order, batch) are reused from call to call: the caller must have
 * consumed a result (serialised, or merged and applied) before asking for the next one. A
 * megabyte gradient per step would otherwise be a G1 humongous allocation each time.
 */
public final class PartitionGradient {
  private final SliceGradient slice = new SliceGradient();
  private float[] grad;
  private int[] order;
  /** What {@link #order} was drawn for: seed, epoch, partition and size. */
  private long orderSeed;
  private int orderEpoch;
  private int orderPartition;
  private int orderSize;

  /** Partition {@code p}'s result for the step at {@code at}, with its compute time. */
  public GradientSum compute(Network net, float[] params, Examples data, int p, StepCoordinates at,
                             Augmentation augment) {
    long t0 = System.nanoTime();
    GradientSum sum = new GradientSum();
    int n = data.size();
    int from = at.sliceFrom(n);
    int to = at.sliceTo(n);
    if (to > from) {
      if (grad == null || grad.length != net.paramCount()) {
        grad = new float[net.paramCount()];
      } else {
        Arrays.fill(grad, 0f);
      }
      sum.grad = grad;
      slice.accumulate(net, params, null, data, localOrder(at.seed(), at.epoch(), p, n), from, to,
          at.batchSeed(p), augment, sum);
    }
    sum.computeNanos = System.nanoTime() - t0;
    return sum;
  }

  /** Partition p's order in this epoch (see {@link BatchPlan#localOrder}), cached for the epoch. */
  public int[] localOrder(long seed, int epoch, int p, int size) {
    // Every field compared: one instance may serve several partitions and runs (other seeds).
    if (order == null || seed != orderSeed || epoch != orderEpoch || p != orderPartition || size != orderSize) {
      order = BatchPlan.localOrder(seed, epoch, p, size);
      orderSeed = seed;
      orderEpoch = epoch;
      orderPartition = p;
      orderSize = size;
    }
    return order;
  }
}
