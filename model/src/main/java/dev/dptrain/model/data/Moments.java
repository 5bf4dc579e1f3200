package dev.dptrain.model.data;

import dev.dptrain.model.Shape;

/**
 * Count, mean and sum of squared deviations (M2) per standardisation group (one group, or one
 * per channel), in double, laid out as [n, mean, M2] per group. Partial results from different
 * partitions merge with Chan et al.'s pairwise formula, so a fit is one distributed pass that is
 * accurate even when the mean is large compared with the spread (no sum-of-squares cancellation).
 */
public final class Moments {
  private Moments() {}

  /** Moments of n examples of the given shape; two passes over the data (mean, then M2). */
  public static double[] of(float[] x, int n, Shape shape, boolean perChannel) {
    int groups = perChannel ? shape.channels() : 1;
    int spatial = shape.spatial();
    double[] m = new double[3 * groups];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < shape.channels(); c++) {
        int g = perChannel ? c : 0;
        int off = (i * shape.channels() + c) * spatial;
        for (int k = off; k < off + spatial; k++) m[3 * g + 1] += x[k];
        m[3 * g] += spatial;
      }
    }
    for (int g = 0; g < groups; g++) m[3 * g + 1] = m[3 * g] == 0 ? 0 : m[3 * g + 1] / m[3 * g];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < shape.channels(); c++) {
        int g = perChannel ? c : 0;
        double mu = m[3 * g + 1];
        int off = (i * shape.channels() + c) * spatial;
        for (int k = off; k < off + spatial; k++) {
          double dev = x[k] - mu;
          m[3 * g + 2] += dev * dev;
        }
      }
    }
    return m;
  }

  /**
   * Chan's merge: n = na + nb, mean = ma + (mb - ma)·nb/n, M2 = M2a + M2b + (mb - ma)²·na·nb/n.
   * Returns a new array; either side may be all-zero (empty partition).
   */
  public static double[] merge(double[] a, double[] b) {
    if (a.length != b.length) throw new IllegalArgumentException("moment layouts differ: " + a.length + " vs " + b.length);
    double[] r = new double[a.length];
    for (int g = 0; g < a.length; g += 3) {
      double na = a[g];
      double nb = b[g];
      double n = na + nb;
      if (n == 0) continue;
      double delta = b[g + 1] - a[g + 1];
      r[g] = n;
      r[g + 1] = a[g + 1] + delta * nb / n;
      r[g + 2] = a[g + 2] + b[g + 2] + delta * delta * na * nb / n;
    }
    return r;
  }
}
