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
   * From merged {@link Moments} ([n, mean, M2] per group): std = sqrt(M2 / n), the population
   * standard deviation.
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
    return fromCentralMoments(mode, perChannel, Moments.of(d.features(), d.size(), d.shape(), perChannel));
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
