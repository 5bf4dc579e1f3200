package dev.dptrain.model.check;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * Central differences of a float32 computation and their comparison with an analytic gradient,
 * shared by the per-layer gradient tests and the product's {@code dptrain check}.
 *
 * <p>Numerical derivatives are {@code (L(v+h) - L(v-h)) / (v⁺ - v⁻)}, where {@code v⁺}, {@code v⁻}
 * are the perturbed values after rounding to float (the step actually taken, not the nominal 2h).
 * Comparisons use {@code max(0, |a-b| - noise) / max(|a|+|b|, floor)}: relative where the gradient
 * is large, absolute (scaled by 1/floor) where both sides are tiny, after allowing for the float32
 * rounding noise of the central difference itself ({@link Numeric}). That noise depends on the
 * BLAS kernel (summation order differs between AVX2 and AVX-512 kernels), so it is bounded from
 * the arithmetic instead of being absorbed into a tolerance tuned on one machine.
 */
public final class FiniteDifferences {
  private FiniteDifferences() {}

  /** Unit roundoffs of float32 and float64. */
  public static final double U32 = 0x1p-24;
  public static final double U64 = 0x1p-53;

  /**
   * Numerical derivatives and, per entry, a bound on their rounding noise: if one evaluation of the
   * objective is off by at most {@code evalError}, the difference quotient is off by at most
   * {@code 2·evalError / (v⁺ - v⁻)}.
   */
  public record Numeric(double[] values, double[] noise) {}

  /**
   * The evaluation error of a network's loss SUM: each example's loss comes from float32 outputs,
   * so it carries about one float32 unit roundoff of its own size; the bound adds them with aligned
   * signs.
   */
  public static double lossSumError(double lossSum) {
    return U32 * Math.abs(lossSum);
  }

  /**
   * Central differences of {@code objective} with respect to {@code v[from, from+count)}, each
   * perturbed by ±h in turn (and restored exactly afterwards); {@code evalError} bounds the absolute
   * rounding error of one evaluation of the objective (see {@link Numeric}).
   */
  public static Numeric centralDifferences(float[] v, int from, int count, double h, double evalError,
                                           DoubleSupplier objective) {
    int[] idx = new int[count];
    for (int k = 0; k < count; k++) idx[k] = from + k;
    return centralDifferences(v, idx, h, evalError, objective);
  }

  /** Central differences with respect to the entries {@code v[idx[k]]}, in that order. */
  public static Numeric centralDifferences(float[] v, int[] idx, double h, double evalError, DoubleSupplier objective) {
    double[] g = new double[idx.length];
    double[] noise = new double[idx.length];
    for (int k = 0; k < idx.length; k++) {
      int i = idx[k];
      float orig = v[i];
      float plus = (float) (orig + h);
      float minus = (float) (orig - h);
      v[i] = plus;
      double lp = objective.getAsDouble();
      v[i] = minus;
      double lm = objective.getAsDouble();
      v[i] = orig;
      g[k] = (lp - lm) / ((double) plus - (double) minus);
      noise[k] = 2 * evalError / ((double) plus - (double) minus);
    }
    return new Numeric(g, noise);
  }

  /**
   * Outcome of comparing an analytic gradient with a numerical one: the largest error, where, and
   * how many entries are above the floor (a comparison of near-zero gradients says nothing).
   * {@code maxError} is infinite when either side holds a non-finite value (at {@code worst}).
   */
  public record Comparison(String what, double maxError, int worst, double analytic, double numeric,
                           double maxNoise, int significant, int total) {
    public boolean finite() {
      return Double.isFinite(maxError);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s: max rel err %.3e at [%d] (analytic %.8g, numeric %.8g), "
          + "rounding noise of the differences up to %.2e, %d/%d entries above floor",
          what, maxError, worst, analytic, numeric, maxNoise, significant, total);
    }
  }

  /** Compares entry by entry (see the class comment for the error measure). */
  public static Comparison compare(String what, double[] analytic, Numeric numerical, double floor) {
    double[] numeric = numerical.values();
    if (numeric.length != analytic.length) {
      throw new IllegalArgumentException(what + ": gradient lengths differ: " + analytic.length + " vs " + numeric.length);
    }
    double max = -1;
    int worst = -1;
    int significant = 0;
    for (int i = 0; i < analytic.length; i++) {
      double a = analytic[i];
      double b = numeric[i];
      if (!Double.isFinite(a) || !Double.isFinite(b)) {
        max = Double.POSITIVE_INFINITY;
        worst = i;
        break;
      }
      if (Math.abs(a) + Math.abs(b) > floor) significant++;
      double e = Math.max(0, Math.abs(a - b) - numerical.noise()[i]) / Math.max(Math.abs(a) + Math.abs(b), floor);
      if (e > max) {
        max = e;
        worst = i;
      }
    }
    double maxNoise = Arrays.stream(numerical.noise()).max().orElse(0);
    return new Comparison(what, max, worst, worst < 0 ? 0 : analytic[worst], worst < 0 ? 0 : numeric[worst],
        maxNoise, significant, analytic.length);
  }
}
