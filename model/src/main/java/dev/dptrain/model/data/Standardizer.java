package dev.dptrain.model.data;

import dev.dptrain.model.Shape;
import java.io.Serializable;
import java.util.Locale;

/**
 * Zero-centring or standardisation of inputs, fitted on the training data and stored with the
 * model so that inference applies exactly the same transform: x' = (x - mean) / std, with one
 * (mean, std) for all features ({@code global}) or one per channel ({@code per_channel}).
 * Mode {@code center} keeps std = 1.
 *
 * <p>A group whose training standard deviation is zero up to rounding (see
 * {@link #isConstant}) gets std = 1, as scikit-learn's StandardScaler does: its training values
 * standardise to 0 and other values to x - mean, instead of (x - mean)/1e-6. The indices of those
 * groups are in {@link #constantGroups()} so that callers can warn; they are known only after a
 * fit (a decoded model, whose format stores mean and std only, reports none).
 */
public record Standardizer(Mode mode, boolean perChannel, float[] mean, float[] std, int[] constantGroups)
    implements Serializable {
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

  /** float32 machine epsilon, 2^-23. */
  static final double FLOAT_EPS = Math.ulp(1f);

  public Standardizer {
    constantGroups = constantGroups == null ? new int[0] : constantGroups;
  }

  /** A transform with no constant group recorded (e.g. read back from a saved model). */
  public Standardizer(Mode mode, boolean perChannel, float[] mean, float[] std) {
    this(mode, perChannel, mean, std, new int[0]);
  }

  /**
   * Whether a group with this mean and (population) standard deviation counts as constant:
   * std ≤ ε32·|mean| (ε32 = 2^-23), or std so small that its float32 reciprocal overflows.
   *
   * <p>Why this bound. Inputs are float32 and the moments are computed in double. For values that
   * are all equal, the double sum is exact (n·x needs at most 24 + log2(n) bits) and the mean is
   * within 2^-53·|mean| of x, so the computed std is at most about 2^-53·|mean|: 30 bits below the
   * bound (often exactly 0). On the other side, the transform runs in float32, where rounding the
   * mean to float32 alone errs by up to 2^-24·|mean|; a std at or below twice that error would
   * make the standardised values of training rows mostly rounding noise of the mean, and test rows
   * off by one float32 ulp would become inputs of order 1 or more. The bound is relative, not
   * max(1, |mean|)-scaled, so a feature that is legitimately small (e.g. in units of 1e-9) keeps
   * its scale; a constant zero feature has std exactly 0. This is scikit-learn's rule
   * ({@code _is_constant_feature}, then scale 1 via {@code _handle_zeros_in_scale}) with the
   * float32 rounding of the data in place of float64's.
   */
  public static boolean isConstant(double mean, double std) {
    return !(std > FLOAT_EPS * Math.abs(mean)) || Float.isInfinite((float) (1 / std));
  }

  public static Standardizer fromCentralMoments(Mode mode, boolean perChannel, double[] m) {
    if (mode == Mode.NONE) return NONE;
    int groups = m.length / 3;
    float[] mean = new float[groups];
    float[] std = new float[groups];
    int[] constant = new int[groups];
    int nConstant = 0;
    for (int g = 0; g < groups; g++) {
      if (m[3 * g] == 0) throw new IllegalArgumentException("cannot fit a standardisation on no data");
      mean[g] = (float) m[3 * g + 1];
      std[g] = 1f;
      if (mode == Mode.STANDARDIZE) {
        double s = Math.sqrt(Math.max(m[3 * g + 2], 0) / m[3 * g]);
        if (isConstant(m[3 * g + 1], s)) {
          constant[nConstant++] = g;
        } else {
          std[g] = (float) s;
        }
      }
    }
    return new Standardizer(mode, perChannel, mean, std, java.util.Arrays.copyOf(constant, nConstant));
  }

  public static Standardizer fit(Dataset d, Mode mode, boolean perChannel) {
    return fromCentralMoments(mode, perChannel, Moments.of(d.features(), d.size(), d.shape(), perChannel));
  }

  /** Number of groups (features, channels, or the one global group) fitted as constant. */
  public int constantCount() {
    return constantGroups.length;
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
