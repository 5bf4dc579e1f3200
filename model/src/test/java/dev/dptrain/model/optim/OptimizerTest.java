package dev.dptrain.model.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Optimisers against hand-computed values and against an independent double-precision
 * implementation of PyTorch's formulas; learning-rate schedules at chosen steps.
 */
class OptimizerTest {
  private static final double[] P0 = {1.0, -2.0, 0.5, 0.0};
  private static final double[][] GRADS = {
      {0.5, -1.0, 2e-3, 0.0},
      {0.25, 2.0, -1e-3, 3.0},
      {-1.0, 0.5, 4e-3, -0.5}};

  private static float[] f(double[] d) {
    float[] r = new float[d.length];
    for (int i = 0; i < d.length; i++) r[i] = (float) d[i];
    return r;
  }

  private static void assertClose(double[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, Math.abs(expected[i])), what + " [" + i + "]");
    }
  }

  /** Runs opt over GRADS and checks each step against the reference, which updates p in place. */
  private interface Reference {
    void step(double[] p, double[] g, int t);
  }

  private static void runAgainst(Optimizer opt, double lr, Reference ref, int stateSize) {
    float[] p = f(P0);
    float[] s = new float[opt.stateSize(p.length)];
    assertEquals(stateSize, s.length, "state size");
    double[] q = P0.clone();
    for (int t = 1; t <= GRADS.length; t++) {
      opt.step(p, f(GRADS[t - 1]), s, lr, t);
      ref.step(q, GRADS[t - 1], t);
      assertClose(q, p, opt.describe() + " step " + t);
    }
  }

  // ---- SGD ----

  @Test
  void plainSgdHandValues() {
    Sgd sgd = new Sgd(0, false);
    float[] p = {1f, -2f};
    sgd.step(p, new float[] {0.5f, -1f}, new float[0], 0.1, 1);
    assertArrayEquals(new float[] {0.95f, -1.9f}, p, 1e-7f);
    sgd.step(p, new float[] {0.25f, 2f}, new float[0], 0.1, 2);
    assertArrayEquals(new float[] {0.925f, -2.1f}, p, 1e-7f);
  }

  @Test
  void plainSgdAgainstReference() {
    double lr = 0.1;
    runAgainst(new Sgd(0, false), lr, (q, g, t) -> {
      for (int i = 0; i < q.length; i++) q[i] -= lr * g[i];
    }, 0);
  }

  @Test
  void momentumHandValues() {
    // μ = 0.9, η = 0.1, p = 1, g = 1 every step: v = 1, 1.9, 2.71; p = 0.9, 0.71, 0.439.
    Sgd sgd = new Sgd(0.9, false);
    float[] p = {1f};
    float[] v = new float[1];
    float[] expected = {0.9f, 0.71f, 0.439f};
    float[] expectedV = {1f, 1.9f, 2.71f};
    for (int t = 1; t <= 3; t++) {
      sgd.step(p, new float[] {1f}, v, 0.1, t);
      assertEquals(expected[t - 1], p[0], 1e-6f, "p after step " + t);
      assertEquals(expectedV[t - 1], v[0], 1e-6f, "v after step " + t);
    }
  }

  @Test
  void momentumAgainstReference() {
    double lr = 0.05;
    double mu = 0.9;
    double[] v = new double[P0.length];
    runAgainst(new Sgd(mu, false), lr, (q, g, t) -> {
      for (int i = 0; i < q.length; i++) {
        v[i] = mu * v[i] + g[i];
        q[i] -= lr * v[i];
      }
    }, P0.length);
  }

  @Test
  void nesterovHandValues() {
    // μ = 0.9, η = 0.1, p = 1, g = 1: v = 1, 1.9, 2.71; p -= η (g + μ v):
    // 1 - 0.19 = 0.81; 0.81 - 0.271 = 0.539; 0.539 - 0.3439 = 0.1951.
    Sgd sgd = new Sgd(0.9, true);
    float[] p = {1f};
    float[] v = new float[1];
    float[] expected = {0.81f, 0.539f, 0.1951f};
    for (int t = 1; t <= 3; t++) {
      sgd.step(p, new float[] {1f}, v, 0.1, t);
      assertEquals(expected[t - 1], p[0], 1e-6f, "p after step " + t);
    }
  }

  @Test
  void nesterovAgainstReference() {
    double lr = 0.05;
    double mu = 0.8;
    double[] v = new double[P0.length];
    runAgainst(new Sgd(mu, true), lr, (q, g, t) -> {
      for (int i = 0; i < q.length; i++) {
        v[i] = mu * v[i] + g[i];
        q[i] -= lr * (g[i] + mu * v[i]);
      }
    }, P0.length);
  }

  @Test
  void sgdValidation() {
    assertThrows(IllegalArgumentException.class, () -> new Sgd(0, true));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(1, false));
    assertThrows(IllegalArgumentException.class, () -> new Sgd(-0.1, false));
    assertFalse(new Sgd(0.9, false).decoupledWeightDecay());
  }

  // ---- Adam / AdamW ----

  @Test
  void adamHandValuesWithConstantGradient() {
    // With a constant gradient the bias-corrected m̂ = g and v̂ = g², so each step moves by
    // η g/(|g| + ε) ≈ η: 1 -> 0.99 -> 0.98 -> 0.97.
    Adam adam = new Adam(0.9, 0.999, 1e-8, 0);
    float[] p = {1f};
    float[] s = new float[2];
    for (int t = 1; t <= 3; t++) {
      adam.step(p, new float[] {1f}, s, 0.01, t);
      assertEquals(1 - 0.01 * t, p[0], 1e-6, "p after step " + t);
      if (t == 1) {
        // m = 1 - β1 = 0.1 and v = 1 - β2 = 0.001, so that the bias correction gives m̂ = v̂ = 1.
        assertEquals(0.1, s[0], 1e-8);
        assertEquals(0.001, s[1], 1e-10, "v after one step must be (1 - β2) g² to float precision");
      }
    }
    // Raw moments: m = 1 - 0.9³ = 0.271, v = 1 - 0.999³ = 0.002997001.
    assertEquals(0.271, s[0], 1e-7);
    assertEquals(0.002997001, s[1], 1e-9);
  }

  @Test
  void adamwHandValuesWithConstantGradient() {
    // p ← p (1 - η λ) - η m̂/(√v̂ + ε), η = 0.01, λ = 0.1:
    // 0.999 - 0.01 = 0.989; 0.989·0.999 - 0.01 = 0.978011; 0.978011·0.999 - 0.01 = 0.967032989.
    Adam adamw = new Adam(0.9, 0.999, 1e-8, 0.1);
    assertTrue(adamw.decoupledWeightDecay());
    float[] p = {1f};
    float[] s = new float[2];
    double[] expected = {0.989, 0.978011, 0.967032989};
    for (int t = 1; t <= 3; t++) {
      adamw.step(p, new float[] {1f}, s, 0.01, t);
      assertEquals(expected[t - 1], p[0], 1e-6, "p after step " + t);
    }
  }

  /** PyTorch's Adam/AdamW in double. */
  private static Reference adamReference(double lr, double b1, double b2, double eps, double wd, int n) {
    double[] m = new double[n];
    double[] v = new double[n];
    return (q, g, t) -> {
      for (int i = 0; i < n; i++) {
        q[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        double mhat = m[i] / (1 - Math.pow(b1, t));
        double vhat = v[i] / (1 - Math.pow(b2, t));
        q[i] -= lr * mhat / (Math.sqrt(vhat) + eps);
      }
    };
  }

  @Test
  void adamAgainstReference() {
    // ε = 1e-3 is comparable to the small gradients of element 2, so its placement matters.
    double lr = 0.01;
    runAgainst(new Adam(0.9, 0.999, 1e-3, 0), lr, adamReference(lr, 0.9, 0.999, 1e-3, 0, P0.length), 2 * P0.length);
    runAgainst(new Adam(0.5, 0.9, 1e-8, 0), lr, adamReference(lr, 0.5, 0.9, 1e-8, 0, P0.length), 2 * P0.length);
  }

  @Test
  void adamwAgainstReference() {
    double lr = 0.05;
    runAgainst(new Adam(0.9, 0.999, 1e-3, 0.2), lr, adamReference(lr, 0.9, 0.999, 1e-3, 0.2, P0.length), 2 * P0.length);
  }

  @Test
  void adamValidation() {
    assertThrows(IllegalArgumentException.class, () -> new Adam(1, 0.999, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 1, 1e-8, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new Adam(0.9, 0.999, 1e-8, -1));
    assertFalse(new Adam(0.9, 0.999, 1e-8, 0).decoupledWeightDecay());
  }

  // ---- learning-rate schedules ----

  @Test
  void constantSchedule() {
    LrSchedule s = LrSchedule.constant(0.1);
    for (long step : new long[] {0, 1, 100, 1_000_000}) assertEquals(0.1, s.lr(step), 0);
    assertThrows(IllegalArgumentException.class, () -> LrSchedule.constant(0));
  }

  @Test
  void stepSchedule() {
    LrSchedule s = new LrSchedule(LrSchedule.Kind.STEP, 0.1, 10, 0.5, 0, 0, 0);
    assertEquals(0.1, s.lr(0), 1e-15);
    assertEquals(0.1, s.lr(9), 1e-15);
    assertEquals(0.05, s.lr(10), 1e-15);
    assertEquals(0.05, s.lr(19), 1e-15);
    assertEquals(0.025, s.lr(20), 1e-15);
    assertEquals(0.0125, s.lr(35), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.STEP, 0.1, 0, 0.5, 0, 0, 0));
  }

  @Test
  void cosineSchedule() {
    LrSchedule base = new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 1, 0, 0, 0);
    assertThrows(IllegalStateException.class, () -> base.lr(0), "cosine needs its length");
    LrSchedule s = base.forRun(100);
    assertEquals(1.0, s.lr(0), 1e-12);
    assertEquals(0.5 * (1 + Math.sqrt(0.5)), s.lr(25), 1e-12); // cos(π/4) = √½
    assertEquals(0.5, s.lr(50), 1e-12);
    assertEquals(0.5 * (1 - Math.sqrt(0.5)), s.lr(75), 1e-12);
    assertEquals(0.0, s.lr(100), 1e-12);
    assertEquals(0.0, s.lr(150), 1e-12, "stays at the minimum after the run");
    // With a floor: min + (base - min)(1 + cos)/2.
    LrSchedule floor = new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 1, 0, 0.1, 0).forRun(100);
    assertEquals(0.55, floor.lr(50), 1e-12);
    assertEquals(0.1, floor.lr(100), 1e-12);
    // An explicit total wins over forRun.
    LrSchedule fixed = new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 1, 20, 0, 0).forRun(100);
    assertEquals(0.5, fixed.lr(10), 1e-12);
    assertEquals(20, fixed.totalSteps());
  }

  @Test
  void linearWarmup() {
    LrSchedule s = LrSchedule.constant(0.1).withWarmup(5);
    double[] expected = {0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1};
    for (int k = 0; k < expected.length; k++) assertEquals(expected[k], s.lr(k), 1e-15, "step " + k);
    // Step decay counts from the end of the warm-up.
    LrSchedule st = new LrSchedule(LrSchedule.Kind.STEP, 0.1, 10, 0.5, 0, 0, 0).withWarmup(4);
    assertEquals(0.025, st.lr(0), 1e-15);
    assertEquals(0.1, st.lr(4), 1e-15);
    assertEquals(0.1, st.lr(13), 1e-15);
    assertEquals(0.05, st.lr(14), 1e-15);
    // Cosine over the steps after the warm-up: 10 warm-up + 100 decay steps.
    LrSchedule cos = new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 1, 0, 0, 0).withWarmup(10).forRun(110);
    assertEquals(0.1, cos.lr(0), 1e-12);
    assertEquals(0.5, cos.lr(4), 1e-12);
    assertEquals(1.0, cos.lr(9), 1e-12);
    assertEquals(1.0, cos.lr(10), 1e-12);
    assertEquals(0.5, cos.lr(60), 1e-12);
    assertEquals(0.0, cos.lr(110), 1e-12);
  }
}
