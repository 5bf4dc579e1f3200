package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Stochastic pooling (Zeiler &amp; Fergus, 2013) over k x k windows with stride s. With the
 * window's activations a_i (negative values count as 0: the layer is meant to follow a ReLU) and
 * p_i = a_i / Σ_j a_j:
 * <ul>
 *   <li>training: sample one position with probability p_i and output its activation; backward
 *       routes the gradient to the sampled position (the sample is held fixed);</li>
 *   <li>inference: the probability-weighted average Σ_i p_i a_i = Σ a_i² / Σ a_i.</li>
 * </ul>
 * A window whose activations are all ≤ 0 outputs 0 and passes no gradient. Samples come from the
 * layer's stream of the batch seed ({@link Pass#rng}), drawn window by window in output order, so
 * the same seed picks the same positions (a retried Spark task included). Shapes: (C, H, W) to
 * (C, OH, OW), OH = (H − k)/s + 1. No parameters.
 */
public final class StochasticPool2D extends Pooling {
  /** Flat input index of each output's sampled position (−1: nothing sampled), last training forward. */
  private int[] picked = new int[0];

  public StochasticPool2D(Shape in, int kernel, int stride) {
    super("stochastic_pool", in, kernel, stride, 0);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    int n = batch * out.size();
    if (pass.training && picked.length < n) picked = new int[n];
    Rng rng = pass.training ? pass.rng(index) : null;
    // Locals: the draws below are calls, after which fields would be read again.
    int[] start = windowStart;
    int[] taps = windowTaps;
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * in.height() * in.width();
      for (int win = 0; win < windows; win++) {
        int o = pl * windows + win;
        double sum = 0;
        double sumSq = 0;
        for (int t = start[win]; t < start[win + 1]; t++) {
          double a = Math.max(x[src + taps[t]], 0f);
          sum += a;
          sumSq += a * a;
        }
        if (!pass.training) {
          y[o] = sum > 0 ? (float) (sumSq / sum) : 0f;
          continue;
        }
        // One draw per window whatever the data, so every window keeps its place in the stream.
        double u = rng.nextDouble() * sum;
        int at = -1;
        double cumulative = 0;
        for (int t = start[win]; t < start[win + 1]; t++) {
          int i = src + taps[t];
          if (x[i] <= 0) continue;
          cumulative += x[i];
          at = i; // the last positive position also catches u rounding up to the sum
          if (u < cumulative) break;
        }
        picked[o] = at;
        y[o] = at >= 0 ? x[at] : 0f;
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    return routedBackward(picked, dy, batch);
  }
}
