package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm edge cases checked against a double-precision reference: a constant feature, a batch
 * of one, planes whose size is 3 mod 4 (the tails of the four-way unrolled sums), and a backward
 * that has no training forward to use.
 */
class BatchNormEdgeCaseTest {
  private static final double EPS = NetworkSpec.BN_EPS;
  private static final double U = 0x1p-24; // float32 unit roundoff

  private static Pass pass(float[] params, boolean training) {
    Pass p = new Pass();
    p.params = params;
    p.grads = new float[params.length];
    p.state = null;
    p.training = training;
    return p;
  }

  private static BatchNorm bn(Shape in) {
    BatchNorm l = new BatchNorm(in, EPS, 0.1);
    l.bind(0, 0, 0);
    return l;
  }

  /** Reference forward and backward in double for one layer (C channels, S spatial, n examples). */
  private static final class Ref {
    final double[] y;
    final double[] xhat;
    final double[] dx;
    final double[] dGamma;
    final double[] dBeta;
    final double[] mean;
    final double[] inv;

    Ref(float[] x, float[] dy, float[] gamma, float[] beta, int n, int channels, int spatial) {
      int m = n * spatial;
      y = new double[x.length];
      xhat = new double[x.length];
      dx = new double[x.length];
      dGamma = new double[channels];
      dBeta = new double[channels];
      mean = new double[channels];
      inv = new double[channels];
      for (int c = 0; c < channels; c++) {
        double s = 0;
        for (int i = 0; i < n; i++) for (int k = 0; k < spatial; k++) s += x[(i * channels + c) * spatial + k];
        double mu = s / m;
        double ss = 0;
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < spatial; k++) {
            double d = x[(i * channels + c) * spatial + k] - mu;
            ss += d * d;
          }
        }
        double iv = 1 / Math.sqrt(ss / m + EPS);
        mean[c] = mu;
        inv[c] = iv;
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < spatial; k++) {
            int at = (i * channels + c) * spatial + k;
            xhat[at] = (x[at] - mu) * iv;
            y[at] = gamma[c] * xhat[at] + beta[c];
            dGamma[c] += dy[at] * xhat[at];
            dBeta[c] += dy[at];
          }
        }
        for (int i = 0; i < n; i++) {
          for (int k = 0; k < spatial; k++) {
            int at = (i * channels + c) * spatial + k;
            dx[at] = gamma[c] * iv / m * (m * dy[at] - dBeta[c] - xhat[at] * dGamma[c]);
          }
        }
      }
    }
  }

  private static float[] gaussian(long seed, int n, double shift, double scale) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) (shift + scale * r.nextGaussian());
    return v;
  }

  /**
   * Forward and backward of a layer against {@link Ref}, with bounds from float32 rounding
   * (u = 2^-24 per operation; the statistics themselves are summed in double, whose error is
   * negligible here):
   * <ul>
   *   <li>x̂ = (x - μ32)·inv32: μ rounded once (|μ|·u, times inv), inv rounded once, one
   *       subtraction and one product: hErr = (|μ|·inv + 3|x̂|)·u;</li>
   *   <li>y = γ·x̂ + β: |γ|·hErr + 2u·(|γx̂| + |β|);</li>
   *   <li>dβ = Σdy in double, rounded once: u·Σ|dy|; dγ = Σ dy·x̂ with float products:
   *       Σ|dy|·(hErr + u|x̂|) + u|dγ|;</li>
   *   <li>dx = k1·(M·dy - Σdy - x̂·Σdy·x̂), k1 = γ·inv/M (3u): four float operations in the bracket
   *       (4u of its terms), plus the errors of x̂ and of the two sums carried through.</li>
   * </ul>
   * Each bound is doubled for the second-order terms left out.
   */
  private static void checkAgainstReference(Shape in, int n, float[] x, float[] dy, float[] gamma, float[] beta) {
    int ch = in.channels();
    int sp = in.spatial();
    BatchNorm l = bn(in);
    float[] params = new float[2 * ch];
    System.arraycopy(gamma, 0, params, 0, ch);
    System.arraycopy(beta, 0, params, ch, ch);
    Pass p = pass(params, true);
    float[] y = l.forward(p, x, n).clone();
    float[] dx = l.backward(p, dy, n, true);
    Ref r = new Ref(x, dy, gamma, beta, n, ch, sp);
    int m = n * sp;
    for (int c = 0; c < ch; c++) {
      double g = Math.abs(gamma[c]);
      double sumAbsDy = 0;
      double dGammaTol = 0;
      double[] hErr = new double[x.length];
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < sp; k++) {
          int at = (i * ch + c) * sp + k;
          double xh = Math.abs(r.xhat[at]);
          hErr[at] = (Math.abs(r.mean[c]) * r.inv[c] + 3 * xh) * U;
          double yTol = 2 * (g * hErr[at] + 2 * U * (g * xh + Math.abs(beta[c])));
          assertEquals(r.y[at], y[at], yTol, "y, channel " + c + " at " + at);
          sumAbsDy += Math.abs(dy[at]);
          dGammaTol += Math.abs(dy[at]) * (hErr[at] + U * xh);
        }
      }
      dGammaTol = 2 * (dGammaTol + U * Math.abs(r.dGamma[c]));
      assertEquals(r.dBeta[c], p.grads[ch + c], 2 * U * sumAbsDy, "dβ, channel " + c);
      assertEquals(r.dGamma[c], p.grads[c], dGammaTol, "dγ, channel " + c);
      double sb = Math.abs(r.dBeta[c]);
      double sg = Math.abs(r.dGamma[c]);
      double k1 = g * r.inv[c] / m;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < sp; k++) {
          int at = (i * ch + c) * sp + k;
          double xh = Math.abs(r.xhat[at]);
          double terms = m * Math.abs(dy[at]) + sb + xh * sg;
          double bracketErr = 4 * U * terms + sg * hErr[at] + xh * dGammaTol + 2 * U * sumAbsDy;
          double tol = 2 * (k1 * bracketErr + 3 * U * Math.abs(r.dx[at]));
          assertEquals(r.dx[at], dx[at], tol, "dx, channel " + c + " at " + at);
        }
      }
    }
  }

  @Test
  void planesOfSizeThreeModFourUseEveryValue() {
    // 3x5 = 15 and 1x7 = 7 and 1x3 = 3: the unrolled loops leave a tail of three values.
    for (Shape in : new Shape[] {Shape.image(2, 3, 5), Shape.image(3, 1, 7), Shape.image(1, 3, 1)}) {
      int n = 3;
      float[] x = gaussian(in.size(), n * in.size(), 2, 3);
      // A large value in the last position of each plane: a dropped tail would move the mean a lot.
      for (int i = 0; i < n * in.channels(); i++) x[(i + 1) * in.spatial() - 1] += 50;
      float[] dy = gaussian(7 + in.size(), n * in.size(), 0, 1);
      for (int i = 0; i < n * in.channels(); i++) dy[(i + 1) * in.spatial() - 1] += 5;
      float[] gamma = new float[in.channels()];
      float[] beta = new float[in.channels()];
      for (int c = 0; c < in.channels(); c++) {
        gamma[c] = 0.5f + c;
        beta[c] = -1f + 0.25f * c;
      }
      checkAgainstReference(in, n, x, dy, gamma, beta);
    }
  }

  @Test
  void constantFeatureNormalisesToBetaWithFiniteGradients() {
    // Dense: feature 0 varies, feature 1 is constant 3; image: channel 1 constant -2.
    float[] x = {1, 3, 2, 3, 4, 3, 7, 3};
    float[] dy = {0.5f, 1, -1, 2, 0.25f, -0.5f, 1, 0.75f};
    checkAgainstReference(Shape.vector(2), 4, x, dy, new float[] {2, 1.5f}, new float[] {0.5f, -1});
    BatchNorm l = bn(Shape.vector(2));
    Pass p = pass(new float[] {2, 1.5f, 0.5f, -1}, true);
    float[] y = l.forward(p, x, 4);
    for (int i = 0; i < 4; i++) assertEquals(-1f, y[2 * i + 1], "constant feature gives β exactly, row " + i);
    float[] dx = l.backward(p, dy, 4, true);
    for (int i = 0; i < 8; i++) assertTrue(Float.isFinite(dx[i]), "dx finite at " + i);
    // x̂ = 0 for the constant feature, so dγ gets nothing from it.
    assertEquals(0f, p.grads[1]);
    assertEquals(1 + 2 - 0.5f + 0.75f, p.grads[3], 1e-6f);

    float[] img = new float[2 * 2 * 3];
    float[] g = gaussian(5, 2 * 2 * 3, 0, 1);
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 3; k++) {
        img[(i * 2) * 3 + k] = g[i * 3 + k];
        img[(i * 2 + 1) * 3 + k] = -2f;
      }
    }
    BatchNorm l2 = bn(Shape.image(2, 1, 3));
    float[] y2 = l2.forward(pass(new float[] {1, 1, 0, 4}, true), img, 2);
    for (int i = 0; i < 2; i++) for (int k = 0; k < 3; k++) assertEquals(4f, y2[(i * 2 + 1) * 3 + k]);
  }

  @Test
  void batchOfOneIsFinite() {
    float[] x = {5, -3, 0.5f};
    float[] dy = {1, -2, 3};
    checkAgainstReference(Shape.vector(3), 1, x, dy, new float[] {1, 2, 3}, new float[] {0.5f, 0.25f, -1});
    BatchNorm l = bn(Shape.vector(3));
    Pass p = pass(new float[] {1, 2, 3, 0.5f, 0.25f, -1}, true);
    float[] y = l.forward(p, x, 1);
    assertEquals(0.5f, y[0]);
    assertEquals(0.25f, y[1]);
    assertEquals(-1f, y[2]);
    float[] dx = l.backward(p, dy, 1, true);
    for (int i = 0; i < 3; i++) assertEquals(0f, dx[i], "one example: the output does not depend on x");
  }

  @Test
  void backwardAfterAnInferenceForwardIsRefused() {
    Shape in = Shape.vector(2);
    float[] params = {1, 1, 0, 0};
    float[] x = {1, 2, 3, 5};
    float[] dy = {1, 1, 1, 1};
    // A fresh layer: no forward at all.
    BatchNorm fresh = bn(in);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> fresh.backward(pass(params, true), dy, 2, true));
    assertTrue(e.getMessage().contains("training-mode forward"), e.getMessage());

    // Training forward, then an inference forward (validation), then backward: refused.
    BatchNorm l = bn(in);
    Pass train = pass(params, true);
    l.forward(train, x, 2);
    Pass infer = pass(params, false);
    infer.state = new float[] {0, 0, 1, 1};
    l.forward(infer, x, 2);
    e = assertThrows(IllegalStateException.class, () -> l.backward(train, dy, 2, true));
    assertTrue(e.getMessage().contains("batchnorm1d(2)") && e.getMessage().contains("inference"), e.getMessage());

    // A new training forward makes backward valid again.
    l.forward(train, x, 2);
    assertNotNull(l.backward(train, dy, 2, true));

    // A backward over another batch size than the forward's is refused too.
    e = assertThrows(IllegalStateException.class, () -> l.backward(train, new float[2], 1, true));
    assertTrue(e.getMessage().contains("1 examples") && e.getMessage().contains("had 2"), e.getMessage());
    BatchNorm planes = bn(Shape.image(1, 2, 3));
    Pass tp = pass(new float[] {1, 0}, true);
    planes.forward(tp, new float[18], 3);
    e = assertThrows(IllegalStateException.class, () -> planes.backward(tp, new float[12], 2, true));
    assertTrue(e.getMessage().contains("batchnorm2d(1): backward over 2 examples, the training forward had 3"), e.getMessage());
  }
  @Test
  void runningStatisticsIgnoreEmptyAndSingleValueBlocks() {
    BatchNorm l = bn(Shape.vector(1));
    float[] state = {0.5f, 2f};
    // An empty block (count 0) leaves the running statistics alone.
    l.updateRunningStats(state, new double[] {1, 0, 7, 3}, 0);
    assertEquals(0.5f, state[0]);
    assertEquals(2f, state[1]);
    // One value: the mean moves, the unbiased variance of one value is taken as 0.
    l.updateRunningStats(state, new double[] {1, 1, 10.5, 0}, 0);
    assertEquals(0.9 * 0.5 + 0.1 * 10.5, state[0], 1e-6);
    assertEquals(0.9 * 2, state[1], 1e-6);
    // Two values: unbiased variance M2/(n-1).
    l.updateRunningStats(state, new double[] {1, 2, 0, 8}, 0);
    assertEquals(0.9 * (0.9 * 0.5 + 0.1 * 10.5), state[0], 1e-6);
    assertEquals(0.9 * 0.9 * 2 + 0.1 * 8, state[1], 1e-6);
    // Precise BN: replaced by the pooled statistics, but not from fewer than two values.
    float[] s2 = {1f, 1f};
    l.setRunningStats(s2, new double[] {1, 1, 5, 0}, 0);
    assertEquals(1f, s2[0]);
    assertEquals(1f, s2[1]);
    l.setRunningStats(s2, new double[] {1, 3, 5, 8}, 0);
    assertEquals(5f, s2[0]);
    assertEquals(4f, s2[1]);
  }
}
