package dev.dptrain.model.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.layers.Dense;
import org.junit.jupiter.api.Test;

/**
 * Statistical checks of the weight initialisers and of the constant initial values of biases and
 * BatchNorm parameters. Tolerances are a fixed number of standard errors of the estimators, so
 * the tests are sound (a correct implementation fails with negligible probability, and the seed is
 * fixed anyway) while a wrong scale (e.g. fanIn instead of fanIn+fanOut) fails by a wide margin.
 */
class InitTest {
  private static final int N = 100_000;
  /** Number of standard errors allowed. */
  private static final double Z = 6;
  private static final int FAN_IN = 300;
  private static final int FAN_OUT = 100;

  private static float[] draw(Init init, int fanIn, int fanOut, long seed) {
    // Pad both sides to check that fill() writes exactly [off, off+n).
    float[] buf = new float[N + 20];
    java.util.Arrays.fill(buf, 7f);
    init.fill(buf, 10, N, fanIn, fanOut, new Rng(seed));
    for (int i = 0; i < 10; i++) {
      assertEquals(7f, buf[i], "fill wrote before its offset");
      assertEquals(7f, buf[N + 10 + i], "fill wrote past its end");
    }
    return java.util.Arrays.copyOfRange(buf, 10, 10 + N);
  }

  private static double mean(float[] x) {
    double s = 0;
    for (float v : x) s += v;
    return s / x.length;
  }

  private static double variance(float[] x) {
    double m = mean(x);
    double s = 0;
    for (float v : x) s += (v - m) * (v - m);
    return s / (x.length - 1);
  }

  private static double fractionWithin(float[] x, double r) {
    int k = 0;
    for (float v : x) if (Math.abs(v) <= r) k++;
    return (double) k / x.length;
  }

  /** Uniform on [-b, b]: all draws inside, mean 0, variance b²/3, flat histogram. */
  private static void checkUniform(float[] x, double b) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (float v : x) {
      assertTrue(Math.abs(v) <= (float) b, "draw " + v + " outside ±" + b);
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // The extremes of 100k uniform draws come within b/1000 of the bounds almost surely.
    assertTrue(hi > b * 0.999 && lo < -b * 0.999, "range [" + lo + ", " + hi + "] does not fill ±" + b);
    double var = b * b / 3;
    // Var(X²) = E[X⁴] - σ⁴ = b⁴/5 - b⁴/9 for the uniform distribution.
    double seVar = Math.sqrt((b * b * b * b / 5 - var * var) / N);
    assertEquals(var, variance(x), Z * seVar, "variance of U[-b, b] must be b²/3");
    assertEquals(0, mean(x), Z * Math.sqrt(var / N), "mean");
    // Flat: half of the mass on [-b/2, b/2].
    double p = 0.5;
    assertEquals(p, fractionWithin(x, b / 2), Z * Math.sqrt(p * (1 - p) / N), "uniform: half the mass within ±b/2");
  }

  /** N(0, σ²): mean 0, variance σ², and 68.27% within ±σ (tells a normal from a uniform). */
  private static void checkNormal(float[] x, double sigma) {
    double var = sigma * sigma;
    double seVar = var * Math.sqrt(2.0 / (N - 1));
    assertEquals(var, variance(x), Z * seVar, "variance");
    assertEquals(0, mean(x), Z * sigma / Math.sqrt(N), "mean");
    double p = 0.682689492137; // P(|Z| <= 1)
    assertEquals(p, fractionWithin(x, sigma), Z * Math.sqrt(p * (1 - p) / N), "fraction within one sigma");
    double p2 = 0.954499736104; // P(|Z| <= 2)
    assertEquals(p2, fractionWithin(x, 2 * sigma), Z * Math.sqrt(p2 * (1 - p2) / N), "fraction within two sigma");
  }

  @Test
  void xavierUniformBoundsAndVariance() {
    double b = Math.sqrt(6.0 / (FAN_IN + FAN_OUT));
    float[] x = draw(Init.XAVIER_UNIFORM, FAN_IN, FAN_OUT, 1);
    checkUniform(x, b);
  }

  @Test
  void heUniformBoundsAndVariance() {
    double b = Math.sqrt(6.0 / FAN_IN);
    float[] x = draw(Init.HE_UNIFORM, FAN_IN, FAN_OUT, 2);
    checkUniform(x, b);
    // Variance 2/fanIn, the defining property of He initialisation.
    assertEquals(2.0 / FAN_IN, variance(x), 0.02 * 2.0 / FAN_IN);
  }

  @Test
  void xavierNormalVariance() {
    checkNormal(draw(Init.XAVIER_NORMAL, FAN_IN, FAN_OUT, 3), Math.sqrt(2.0 / (FAN_IN + FAN_OUT)));
  }

  @Test
  void heNormalVariance() {
    checkNormal(draw(Init.HE_NORMAL, FAN_IN, FAN_OUT, 4), Math.sqrt(2.0 / FAN_IN));
  }

  @Test
  void gaussianSigma() {
    checkNormal(draw(Init.gaussian(0.05), FAN_IN, FAN_OUT, 5), 0.05);
    checkNormal(draw(Init.gaussian(3.0), 1, 1, 6), 3.0);
  }

  @Test
  void gaussianNeedsPositiveFiniteSigma() {
    assertThrows(IllegalArgumentException.class, () -> Init.gaussian(0));
    assertThrows(IllegalArgumentException.class, () -> Init.gaussian(-1));
    assertThrows(IllegalArgumentException.class, () -> Init.gaussian(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Init.gaussian(Double.POSITIVE_INFINITY));
  }

  @Test
  void sameSeedSameDrawsDifferentSeedDifferentDraws() {
    float[] a = draw(Init.HE_NORMAL, 10, 10, 99);
    float[] b = draw(Init.HE_NORMAL, 10, 10, 99);
    float[] c = draw(Init.HE_NORMAL, 10, 10, 100);
    org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    assertTrue(!java.util.Arrays.equals(a, c));
  }

  @Test
  void constantInitIsRefusedForWeights() {
    for (double v : new double[] {0, 0.5, 1}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Init.constant(v).forWeights("dense(4)"));
      assertTrue(e.getMessage().contains("symmetry"), e.getMessage());
      assertTrue(e.getMessage().contains("dense(4)"), "names the layer: " + e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> Init.parse("zeros", 0).forWeights("w"));
    assertThrows(IllegalArgumentException.class, () -> Init.parse("ones", 0).forWeights("w"));
    // Random schemes pass.
    assertEquals(Init.HE_NORMAL, Init.HE_NORMAL.forWeights("w"));
  }

  @Test
  void denseWithConstantInitIsRefused() {
    for (double v : new double[] {0, 0.5}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new Dense(Shape.vector(4), 3, true, Init.constant(v)));
      assertTrue(e.getMessage().contains("symmetry"), e.getMessage());
    }
    // Also when the network is built from a spec.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NetworkSpec.builder(Shape.vector(4)).init(Init.constant(0.5)).dense(3).build());
    assertTrue(e.getMessage().contains("symmetry"), e.getMessage());
  }

  @Test
  void biasesZeroBatchNormGammaOneBetaZero() {
    NetworkSpec spec = NetworkSpec.builder(Shape.vector(4))
        .dense(3).batchNorm().relu()
        .dense(2)
        .loss("softmax_cross_entropy").build();
    Network net = Network.build(spec);
    // dense(3): W 3x4 + b 3; batchnorm(3): γ 3 + β 3; dense(2): W 2x3 + b 2.
    assertEquals(12 + 3 + 6 + 6 + 2, net.paramCount());
    float[] p = net.initParams(123);
    for (int i = 12; i < 15; i++) assertEquals(0f, p[i], "dense bias " + (i - 12));
    for (int i = 15; i < 18; i++) assertEquals(1f, p[i], "bn gamma " + (i - 15));
    for (int i = 18; i < 21; i++) assertEquals(0f, p[i], "bn beta " + (i - 18));
    for (int i = 27; i < 29; i++) assertEquals(0f, p[i], "second dense bias " + (i - 27));
    // Weights are random: distinct and non-zero.
    java.util.Set<Float> w = new java.util.HashSet<>();
    for (int i = 0; i < 12; i++) w.add(p[i]);
    for (int i = 21; i < 27; i++) w.add(p[i]);
    assertEquals(18, w.size(), "weights must all differ");
    assertTrue(!w.contains(0f));
    // Running statistics: mean 0, variance 1.
    float[] s = net.initState();
    assertEquals(6, s.length);
    for (int c = 0; c < 3; c++) {
      assertEquals(0f, s[c], "running mean");
      assertEquals(1f, s[3 + c], "running variance");
    }
    // Layers draw from streams derived from the seed: same seed, same parameters.
    org.junit.jupiter.api.Assertions.assertArrayEquals(p, net.initParams(123));
    assertTrue(!java.util.Arrays.equals(p, net.initParams(124)));
  }

  @Test
  void networkInitUsesFanInOfTheLayer() {
    // A wide he_normal layer: sample variance of its weights ≈ 2/fanIn.
    int in = 500;
    int units = 200;
    Network net = Network.build(NetworkSpec.builder(Shape.vector(in)).dense(units).loss("mse").build());
    float[] p = net.initParams(7);
    float[] w = java.util.Arrays.copyOf(p, in * units);
    double var = 2.0 / in;
    assertEquals(var, variance(w), Z * var * Math.sqrt(2.0 / w.length));
  }
  @Test
  void constantFillAndNames() {
    float[] x = {9, 9, 9, 9};
    Init.constant(0.5).fill(x, 1, 2, 1, 1, new dev.dptrain.model.Rng(1));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {9, 0.5f, 0.5f, 9}, x);
    org.junit.jupiter.api.Assertions.assertEquals("constant(0.5)", Init.constant(0.5).toString());
    org.junit.jupiter.api.Assertions.assertEquals("gaussian(0.25)", Init.gaussian(0.25).toString());
    org.junit.jupiter.api.Assertions.assertEquals("he_normal", Init.HE_NORMAL.toString());
    org.junit.jupiter.api.Assertions.assertEquals("xavier_uniform", Init.parse("glorot", 0).toString());
  }
}
