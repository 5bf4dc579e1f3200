package dev.dptrain.model.train;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Examples;

/**
 * A partition's share of one step: gathers examples order[from, to) of its data into reusable
 * buffers, augments them (training only, seeded by the batch seed, so a retried task sees the
 * identical batch) and accumulates their gradient, as ONE batch for batch statistics. Used by the Spark
 * worker for real partitions and by the single-process trainer for simulated ones.
 */
public final class SliceGradient {
  private float[] xb = new float[0];
  private float[] yb = new float[0];

  public void accumulate(Network net, float[] params, float[] normState, Examples data, int[] order,
                         int from, int to, long seed, Augmentation augment, GradientSum acc) {
    int n = to - from;
    if (n <= 0) return;
    int d = data.shape().size();
    int lw = data.labelWidth();
    if (xb.length < n * d) xb = new float[n * d];
    if (yb.length < n * lw) yb = new float[n * lw];
    data.gather(order, from, n, xb, yb);
    augment.apply(xb, n, data.shape(), seed);
    net.accumulateGradient(params, normState, xb, yb, n, seed, acc);
  }
}
