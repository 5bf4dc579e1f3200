package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.dptrain.model.check.FiniteDifferences;
import dev.dptrain.model.check.FiniteDifferences.Comparison;
import dev.dptrain.model.check.FiniteDifferences.Numeric;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
import java.util.Arrays;
import java.util.function.DoubleSupplier;

/**
 * Finite-difference gradient checking for float32 layers, losses and networks: the test harness
 * around {@link FiniteDifferences} (which the product's {@code dptrain check} uses too).
 *
 * <p>Layers are checked through the scalar objective {@code L = Σ_i r_i y_i}, evaluated in double
 * precision with fixed random weights {@code r} (exactly representable as floats), so that
 * {@code dL/dy = r} is what backward receives as {@code gradOutput}. Numerical derivatives are
 * central differences {@code (L(v+h) - L(v-h)) / (v⁺ - v⁻)}, where {@code v⁺}, {@code v⁻} are the
 * perturbed values after rounding to float (the step actually taken, not the nominal 2h).
 *
 * <p>Comparisons use {@code max(0, |a-b| - noise) / max(|a|+|b|, floor)}: relative where the
 * gradient is large, absolute (scaled by 1/floor) where both sides are tiny, after allowing for the
 * float32 rounding noise of the central difference itself ({@link Numeric}). That noise depends on
 * the BLAS kernel (summation order differs between AVX2 and AVX-512 kernels), so it is bounded
 * from the arithmetic instead of being absorbed into a tolerance tuned on one machine.
 */
public final class GradientCheck {
  private GradientCheck() {}

  // ---------------------------------------------------------------------------------------------
  // Random inputs

  /** Uniform floats in [lo, hi). */
  public static float[] uniform(Rng rng, int n, double lo, double hi) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
    return v;
  }

  /** Floats with |v| uniform in [min, max) and a random sign: keeps inputs off kinks at 0. */
  public static float[] awayFromZero(Rng rng, int n, double min, double max) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double m = min + (max - min) * rng.nextDouble();
      v[i] = (float) (rng.nextDouble() < 0.5 ? -m : m);
    }
    return v;
  }

  /** Objective weights r, uniform in [-1, 1) but exactly representable as floats. */
  public static double[] objectiveWeights(Rng rng, int n) {
    double[] r = new double[n];
    for (int i = 0; i < n; i++) r[i] = (float) (2 * rng.nextDouble() - 1);
    return r;
  }

  public static float[] toFloat(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
      if (f[i] != v[i]) throw new IllegalArgumentException("not a float: " + v[i]);
    }
    return f;
  }

  public static double[] toDouble(float[] v, int from, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = v[from + i];
    return d;
  }

  // ---------------------------------------------------------------------------------------------
  // Core numerics

  /** Unit roundoffs of float32 and float64 ({@link FiniteDifferences}). */
  public static final double U32 = FiniteDifferences.U32;
  public static final double U64 = FiniteDifferences.U64;

  /** Σ_i r_i y_i over the first r.length outputs, accumulated in double. */
  public static double weightedSum(double[] r, float[] y) {
    double s = 0;
    for (int i = 0; i < r.length; i++) s += r[i] * y[i];
    return s;
  }

  /** Σ_i |r_i y_i|: the magnitude of the float32 terms a weighted-sum objective adds up. */
  public static double weightedAbsSum(double[] r, float[] y) {
    double s = 0;
    for (int i = 0; i < r.length; i++) s += Math.abs(r[i] * y[i]);
    return s;
  }

  /**
   * The error bound of an objective that adds up float32 terms (outputs weighted by r) in double:
   * each term is taken to carry one float32 unit roundoff of its magnitude, the errors added with
   * aligned signs, the worst case over signs. A single term's error grows with the depth m of its
   * computation (about √m·u for an m-term float32 sum, Higham and Mary 2019), but the errors of the
   * n terms are independent, so their sum grows as √(n·m)·u·rms(term) while this bound is
   * n·u·mean(term): it covers the realistic error whenever m is not much more than n, as in every
   * check here. Summation order, and so this error, differs between BLAS kernels (AVX2, AVX-512).
   */
  public static double float32Error(double[] r, float[] y) {
    return U32 * weightedAbsSum(r, y);
  }

  /** See {@link FiniteDifferences#centralDifferences(float[], int, int, double, double, DoubleSupplier)}. */
  public static Numeric centralDifferences(float[] v, int from, int count, double h, double evalError,
                                           DoubleSupplier objective) {
    return FiniteDifferences.centralDifferences(v, from, count, h, evalError, objective);
  }

  /** {@link FiniteDifferences#compare}, failing the test on a non-finite gradient. */
  public static Comparison compare(String what, double[] analytic, Numeric numerical, double floor) {
    assertEquals(numerical.values().length, analytic.length, what + ": gradient lengths differ");
    Comparison c = FiniteDifferences.compare(what, analytic, numerical, floor);
    if (!c.finite()) {
      fail(what + ": non-finite gradient at [" + c.worst() + "]: analytic " + c.analytic() + ", numeric " + c.numeric());
    }
    return c;
  }

  /** Whether {@code -Dgradcheck.verbose=true} asks for every comparison to be printed. */
  private static final boolean VERBOSE = Boolean.getBoolean("gradcheck.verbose");

  /**
   * Asserts max relative error ≤ tol, and that at least a quarter of the entries are above the
   * floor, so that a check cannot pass vacuously on (near-)zero gradients.
   */
  public static Comparison assertGradientsMatch(String what, double[] analytic, Numeric numeric,
                                                double tol, double floor) {
    Comparison c = compare(what, analytic, numeric, floor);
    if (VERBOSE) System.out.println("[gradcheck] " + c);
    assertTrue(c.total() > 0, what + ": nothing to compare");
    assertTrue(c.significant() * 4 >= c.total(), what + ": too few non-negligible gradient entries, "
        + "the check would be vacuous: " + c);
    assertTrue(c.maxError() <= tol, what + " exceeds tolerance " + tol + ": " + c);
    return c;
  }

  // ---------------------------------------------------------------------------------------------
  // Layer harness

  /** Analytic and numerical gradients of one layer for {@code L = Σ r_i y_i}. */
  public static final class LayerGradients {
    /** Output of the unperturbed forward (first batch * outSize floats). */
    public float[] output;
    public double[] analyticInput;
    public Numeric numericInput;
    /** What backward ADDED into the layer's slice of {@code pass.grads}. */
    public double[] analyticParams;
    public Numeric numericParams;
  }

  /**
   * Runs the layer's forward and backward once on {@code x} with {@code gradOutput = r}, checking
   * on the way that backward only ADDS into its own slice of a pre-filled {@code pass.grads}, and
   * that {@code needInputGrad = false} gives null and the same parameter gradient; then computes
   * central differences of L with respect to every input and every parameter of the layer.
   *
   * <p>The layer must already be bound; {@code pass} must hold params (and state) and the mode and
   * seed to use for every evaluation. {@code pass.grads} is replaced.
   */
  public static LayerGradients layerGradients(Layer layer, Pass pass, float[] x, int batch, int paramOffset,
                                              double[] r, double h) {
    int nIn = batch * layer.inputShape().size();
    int nOut = batch * layer.outputShape().size();
    int np = layer.paramCount();
    if (x.length != nIn || r.length != nOut) throw new IllegalArgumentException("size mismatch");
    float[] dy = toFloat(r);
    float[] dyCopy = dy.clone();

    // Pre-filled gradient accumulator with known, non-zero values everywhere.
    float[] prefill = uniform(new Rng(0xF111L + np), pass.params.length, 0.5, 1.5);
    for (int i = 0; i < prefill.length; i += 2) prefill[i] = -prefill[i];

    LayerGradients out = new LayerGradients();
    pass.grads = prefill.clone();
    float[] y = layer.forward(pass, x, batch);
    out.output = Arrays.copyOf(y, nOut);
    float[] dx = layer.backward(pass, dy, batch, true);
    assertNotNull(dx, layer.describe() + ": backward returned null although the input gradient was requested");
    out.analyticInput = toDouble(dx, 0, nIn);
    float[] g = pass.grads;
    for (int i = 0; i < g.length; i++) {
      boolean own = i >= paramOffset && i < paramOffset + np;
      if (!own && Float.floatToIntBits(g[i]) != Float.floatToIntBits(prefill[i])) {
        fail(layer.describe() + ": backward changed grads[" + i + "] outside its slice [" + paramOffset
            + ", " + (paramOffset + np) + "): " + prefill[i] + " -> " + g[i]);
      }
    }
    out.analyticParams = new double[np];
    for (int k = 0; k < np; k++) out.analyticParams[k] = (double) g[paramOffset + k] - prefill[paramOffset + k];
    float[] firstGrads = g.clone();

    // needInputGrad = false: null, and the same parameter gradient added.
    pass.grads = prefill.clone();
    layer.forward(pass, x, batch);
    dy = dyCopy.clone();
    assertNull(layer.backward(pass, dy, batch, false), layer.describe() + ": backward without input gradient should return null");
    for (int i = 0; i < g.length; i++) {
      assertEquals(firstGrads[i], pass.grads[i], 1e-6 * (1 + Math.abs(firstGrads[i])),
          layer.describe() + ": parameter gradient differs when needInputGrad is false at [" + i + "]");
    }

    DoubleSupplier objective = () -> weightedSum(r, layer.forward(pass, x, batch));
    double evalError = float32Error(r, out.output);
    out.numericInput = centralDifferences(x, 0, nIn, h, evalError, objective);
    out.numericParams = centralDifferences(pass.params, paramOffset, np, h, evalError, objective);
    return out;
  }

  /** A pass over the given vectors in the given mode. */
  public static Pass pass(float[] params, float[] state, boolean training, long seed) {
    Pass p = new Pass();
    p.params = params;
    p.state = state;
    p.training = training;
    p.seed = seed;
    return p;
  }
}
