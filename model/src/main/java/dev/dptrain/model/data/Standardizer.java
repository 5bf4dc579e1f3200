package dev.dptrain.model.data;

import dev.dptrain.model.Shape;
import java.io.Serializable;
import java.util.Locale;

/**
 * Zero-centring or standardisation of inputs, fitted on the training data and stored with the
 * model so that inference applies exactly the same transform: x' = (x - mean) / std, with one
 * (mean, std) for all features ({@code global}) or one per channel ({@code per_channel}).
 * Mode {@code center} keeps std = 1.
 */
public record Standardizer(Mode mode, boolean perChannel, float[] mean, float[] std) implements Serializable {
  public enum Mode { NONE, CENTER, STANDARDIZE;
    public static Mode parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown standardisation '" + s + "'; expected none, center or standardize");
      }
    }
  }

  public static final Standardizer NONE = new Standardizer(Mode.NONE, false, new float[] {0}, new float[] {1});

  /**
   * Per-group sums for a fit: [count, sum, sum of squares] per group (1 group, or one per
   * channel), in double. Mergeable by addition, so Spark can fit it in one distributed pass.
   */
  public static double[] moments(float[] x, int n, Shape shape, boolean perChannel) {
    int groups = perChannel ? shape.channels() : 1;
    int spatial = shape.spatial();
    double[] m = new double[3 * groups];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < shape.channels(); c++) {
        int g = perChannel ? c : 0;
        int off = (i * shape.channels() + c) * spatial;
        double s = 0;
        double ss = 0;
        for (int k = off; k < off + spatial; k++) {
          s += x[k];
          ss += (double) x[k] * x[k];
        }
        m[3 * g] += spatial;
        m[3 * g + 1] += s;
        m[3 * g + 2] += ss;
      }
    }
    return m;
  }

  public static Standardizer fromMoments(Mode mode, boolean perChannel, double[] m) {
    if (mode == Mode.NONE) return NONE;
    int groups = m.length / 3;
    float[] mean = new float[groups];
    float[] std = new float[groups];
    for (int g = 0; g < groups; g++) {
      double n = m[3 * g];
      double mu = m[3 * g + 1] / n;
      double var = Math.max(0, m[3 * g + 2] / n - mu * mu);
      mean[g] = (float) mu;
      std[g] = mode == Mode.STANDARDIZE ? (float) Math.max(Math.sqrt(var), 1e-6) : 1f;
    }
    return new Standardizer(mode, perChannel, mean, std);
  }

  /**
   * From merged {@link Moments} ([n, mean, M2] per group): std = sqrt(M2 / n), the population
   * standard deviation, as {@link #fromMoments}.
   */
  public static Standardizer fromCentralMoments(Mode mode, boolean perChannel, double[] m) {
    if (mode == Mode.NONE) return NONE;
    int groups = m.length / 3;
    float[] mean = new float[groups];
    float[] std = new float[groups];
    for (int g = 0; g < groups; g++) {
      if (m[3 * g] == 0) throw new IllegalArgumentException("cannot fit a standardisation on no data");
      mean[g] = (float) m[3 * g + 1];
      std[g] = mode == Mode.STANDARDIZE ? (float) Math.max(Math.sqrt(m[3 * g + 2] / m[3 * g]), 1e-6) : 1f;
    }
    return new Standardizer(mode, perChannel, mean, std);
  }

  public static Standardizer fit(Dataset d, Mode mode, boolean perChannel) {
    return fromMoments(mode, perChannel, moments(d.features(), d.size(), d.shape(), perChannel));
  }

  /** Applies the transform in place to n examples. */
  public void apply(float[] x, int n, Shape shape) {
    if (mode == Mode.NONE) return;
    int spatial = shape.spatial();
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < shape.channels(); c++) {
        int g = perChannel ? c : 0;
        float mu = mean[g];
        float inv = 1f / std[g];
        int off = (i * shape.channels() + c) * spatial;
        for (int k = off; k < off + spatial; k++) x[k] = (x[k] - mu) * inv;
      }
    }
  }
}
