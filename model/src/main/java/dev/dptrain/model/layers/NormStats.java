package dev.dptrain.model.layers;

/**
 * Flat batch-statistics vectors: one block per {@link BatchStatsLayer}, in network order, each
 * {@code [C, count, mean[C], m2[C]]}. Blocks from different partitions (or ghost batches) are
 * pooled with Chan et al.'s parallel formula, which gives exactly the mean and M2 of the
 * concatenated data:
 *
 * <pre>
 *   n = nA + nB,  δ = meanB - meanA
 *   mean = meanA + δ nB / n
 *   M2 = M2A + M2B + δ² nA nB / n
 * </pre>
 */
public final class NormStats {
  private NormStats() {}

  public static int blockSize(int channels) {
    return 2 + 2 * channels;
  }

  /** Pools {@code other} into {@code acc} in place and returns {@code acc}; an empty side is a no-op. */
  public static double[] merge(double[] acc, double[] other) {
    if (acc.length != other.length) {
      throw new IllegalArgumentException("statistics layouts differ: " + acc.length + " vs " + other.length);
    }
    int off = 0;
    while (off < acc.length) {
      int c = (int) acc[off];
      if ((int) other[off] != c) throw new IllegalArgumentException("statistics blocks differ at " + off);
      double na = acc[off + 1];
      double nb = other[off + 1];
      double n = na + nb;
      if (nb > 0) {
        if (na == 0) {
          System.arraycopy(other, off, acc, off, blockSize(c));
        } else {
          for (int k = 0; k < c; k++) {
            int mi = off + 2 + k;
            int vi = off + 2 + c + k;
            double delta = other[mi] - acc[mi];
            acc[mi] += delta * nb / n;
            acc[vi] += other[vi] + delta * delta * na * nb / n;
          }
          acc[off + 1] = n;
        }
      }
      off += blockSize(c);
    }
    return acc;
  }

  /** A zero-count vector with the same layout as {@code like}. */
  public static double[] emptyLike(double[] like) {
    double[] e = new double[like.length];
    int off = 0;
    while (off < like.length) {
      int c = (int) like[off];
      e[off] = c;
      off += blockSize(c);
    }
    return e;
  }
}
