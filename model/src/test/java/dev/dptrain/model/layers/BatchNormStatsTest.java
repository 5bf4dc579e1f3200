package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Batch statistics of BatchNorm (block [C, count, mean[C], m2[C]]), their pooling with Chan's
 * formula and the running-statistics updates, all checked against statistics computed here
 * independently in double.
 */
class BatchNormStatsTest {
  private static final double EPS = NetworkSpec.BN_EPS;

  /** Mean and M2 per channel of n examples of shape (C, spatial), two-pass in double. */
  private static double[][] meanM2(float[] x, int n, int channels, int spatial) {
    double[] mean = new double[channels];
    double[] m2 = new double[channels];
    for (int c = 0; c < channels; c++) {
      double s = 0;
      for (int i = 0; i < n; i++) for (int k = 0; k < spatial; k++) s += x[(i * channels + c) * spatial + k];
      double mu = s / ((double) n * spatial);
      double ss = 0;
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < spatial; k++) {
          double d = x[(i * channels + c) * spatial + k] - mu;
          ss += d * d;
        }
      }
      mean[c] = mu;
      m2[c] = ss;
    }
    return new double[][] {mean, m2};
  }

  private static double[] block(float[] x, int n, int channels, int spatial) {
    double[][] s = meanM2(x, n, channels, spatial);
    double[] b = new double[2 + 2 * channels];
    b[0] = channels;
    b[1] = (double) n * spatial;
    System.arraycopy(s[0], 0, b, 2, channels);
    System.arraycopy(s[1], 0, b, 2 + channels, channels);
    return b;
  }

  private static float[] randomData(long seed, int count, double shift, double scale) {
    Random r = new Random(seed);
    float[] x = new float[count];
    for (int i = 0; i < x.length; i++) x[i] = (float) (shift + scale * r.nextGaussian());
    return x;
  }

  private static void assertRel(double expected, double actual, double rel, String what) {
    assertEquals(expected, actual, rel * Math.max(1, Math.abs(expected)), what);
  }

  private static void assertBlock(double[] expected, double[] actual, int off, double rel) {
    int c = (int) expected[0];
    assertEquals(expected[0], actual[off], "channels");
    assertEquals(expected[1], actual[off + 1], "count");
    for (int k = 0; k < c; k++) {
      assertRel(expected[2 + k], actual[off + 2 + k], rel, "mean of channel " + k);
      assertRel(expected[2 + c + k], actual[off + 2 + c + k], rel, "M2 of channel " + k);
    }
  }

  private static Network bnOnly(Shape in) {
    return Network.build(new NetworkSpec(in, List.of(new LayerSpec.BatchNormSpec(EPS, 0.1)), "mse"));
  }

  @Test
  void trainingForwardStatsAreMeanAndM2PerFeature() {
    int c = 3;
    int n = 50;
    float[] x = new float[n * c];
    Random r = new Random(1);
    for (int i = 0; i < n; i++) {
      x[i * c] = (float) (5 + 2 * r.nextGaussian());
      x[i * c + 1] = (float) (-3 + 0.1 * r.nextGaussian());
      x[i * c + 2] = (float) (1000 + 10 * r.nextGaussian());
    }
    Network net = bnOnly(Shape.vector(c));
    GradientSum acc = new GradientSum();
    net.accumulateGradient(net.initParams(1), net.initState(), x, new float[n * c], n, 9, acc);
    assertNotNull(acc.normStats);
    assertEquals(NormStats.blockSize(c), acc.normStats.length);
    assertBlock(block(x, n, c, 1), acc.normStats, 0, 1e-9);
    // Same numbers from the training-forward-only entry point.
    assertBlock(block(x, n, c, 1), net.batchStatistics(net.initParams(1), net.initState(), x, n, 9), 0, 1e-9);
  }

  @Test
  void writeBatchStatsHonoursTheOffset() {
    int c = 2;
    BatchNorm bn = new BatchNorm(Shape.vector(c), EPS, 0.1);
    bn.bind(0, 0, 0);
    Pass p = new Pass();
    p.params = new float[] {1, 1, 0, 0};
    p.state = new float[] {0, 0, 1, 1};
    p.training = true;
    // Hand-computable: channel 0 = {1, 2, 3, 6}: mean 3, M2 4+1+0+9 = 14; channel 1 = {-1,-1,-1,-1}.
    float[] x = {1, -1, 2, -1, 3, -1, 6, -1};
    bn.forward(p, x, 4);
    double[] dst = new double[3 + NormStats.blockSize(c)];
    java.util.Arrays.fill(dst, -99);
    bn.writeBatchStats(dst, 3);
    assertArrayEquals(new double[] {-99, -99, -99, 2, 4, 3, -1, 14, 0}, dst, 1e-12);
  }

  @Test
  void statsOfTwoLayersAreLaidOutInNetworkOrder() {
    // bn(3) -> dense(2) -> bn(2): the second block is the statistics of the dense output,
    // recomputed here in double from the first layer's normalised output.
    NetworkSpec spec = new NetworkSpec(Shape.vector(3), List.of(
        new LayerSpec.BatchNormSpec(EPS, 0.1),
        new LayerSpec.DenseSpec(2, true, dev.dptrain.model.init.Init.XAVIER_UNIFORM),
        new LayerSpec.BatchNormSpec(EPS, 0.1)), "mse");
    Network net = Network.build(spec);
    int n = 40;
    float[] x = randomData(2, n * 3, 1, 3);
    float[] params = net.initParams(3);
    // Give the bias of the dense layer non-zero values so its output mean is not trivially 0.
    params[6 + 6] = 0.7f;
    params[6 + 7] = -2.5f;
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, net.initState(), x, new float[n * 2], n, 1, acc);
    double[] s = acc.normStats;
    assertEquals(NormStats.blockSize(3) + NormStats.blockSize(2), s.length);
    double[] b1 = block(x, n, 3, 1);
    assertBlock(b1, s, 0, 1e-9);
    // Independent forward in double.
    float[] h = new float[n * 2];
    for (int i = 0; i < n; i++) {
      for (int u = 0; u < 2; u++) {
        double z = params[6 + 6 + u];
        for (int j = 0; j < 3; j++) {
          double xhat = (x[i * 3 + j] - b1[2 + j]) / Math.sqrt(b1[2 + 3 + j] / n + EPS);
          z += params[6 + u * 3 + j] * xhat;
        }
        h[i * 2 + u] = (float) z;
      }
    }
    // float32 forward vs double reference: relative 1e-5.
    assertBlock(block(h, n, 2, 1), s, NormStats.blockSize(3), 1e-5);
  }

  @Test
  void chanMergeOfTwoHalvesEqualsStatsOfTheConcatenation() {
    int c = 4;
    int na = 37;
    int nb = 91;
    // Very different means and scales on the two sides make the δ² term matter.
    float[] a = randomData(10, na * c, 100, 1);
    float[] b = randomData(11, nb * c, -50, 20);
    float[] all = new float[(na + nb) * c];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    double[] expected = block(all, na + nb, c, 1);

    double[] merged = NormStats.merge(block(a, na, c, 1), block(b, nb, c, 1));
    assertBlock(expected, merged, 0, 1e-9);
    // The other order gives the same statistics.
    assertBlock(expected, NormStats.merge(block(b, nb, c, 1), block(a, na, c, 1)), 0, 1e-9);

    // The network pools the statistics of two batches accumulated into one GradientSum.
    Network net = bnOnly(Shape.vector(c));
    float[] params = net.initParams(1);
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, net.initState(), a, new float[a.length], na, 1, acc);
    net.accumulateGradient(params, net.initState(), b, new float[b.length], nb, 2, acc);
    assertBlock(expected, acc.normStats, 0, 1e-9);
    // And so does GradientSum.merge of two partitions' sums.
    GradientSum pa = new GradientSum();
    GradientSum pb = new GradientSum();
    net.accumulateGradient(params, net.initState(), a, new float[a.length], na, 1, pa);
    net.accumulateGradient(params, net.initState(), b, new float[b.length], nb, 2, pb);
    assertBlock(expected, pa.merge(pb).normStats, 0, 1e-9);
    assertEquals(na + nb, pa.count);
  }

  @Test
  void mergeWithAnEmptySideIsTheOtherSide() {
    int c = 3;
    float[] a = randomData(12, 10 * c, 2, 3);
    double[] blk = block(a, 10, c, 1);
    double[] empty = NormStats.emptyLike(blk);
    assertArrayEquals(new double[] {3, 0, 0, 0, 0, 0, 0, 0}, empty);
    assertArrayEquals(blk, NormStats.merge(empty.clone(), blk), 0);
    assertArrayEquals(blk, NormStats.merge(blk.clone(), empty), 0);
    double[] both = NormStats.merge(empty.clone(), empty);
    assertArrayEquals(empty, both, 0);
    // GradientSum with no examples contributes nothing.
    GradientSum g = new GradientSum();
    g.count = 10;
    g.grad = new float[] {1};
    g.normStats = blk.clone();
    g.merge(new GradientSum());
    assertArrayEquals(blk, g.normStats, 0);
  }

  @Test
  void mergeOfMultiBlockVectorsIsPerBlock() {
    float[] a3 = randomData(20, 8 * 3, 0, 1);
    float[] b3 = randomData(21, 5 * 3, 4, 2);
    float[] a1 = randomData(22, 8, -1, 1);
    float[] b1 = randomData(23, 5, 7, 0.5);
    double[] va = concat(block(a3, 8, 3, 1), block(a1, 8, 1, 1));
    double[] vb = concat(block(b3, 5, 3, 1), block(b1, 5, 1, 1));
    double[] m = NormStats.merge(va, vb);
    float[] all3 = new float[13 * 3];
    System.arraycopy(a3, 0, all3, 0, a3.length);
    System.arraycopy(b3, 0, all3, a3.length, b3.length);
    float[] all1 = new float[13];
    System.arraycopy(a1, 0, all1, 0, 8);
    System.arraycopy(b1, 0, all1, 8, 5);
    assertBlock(block(all3, 13, 3, 1), m, 0, 1e-9);
    assertBlock(block(all1, 13, 1, 1), m, NormStats.blockSize(3), 1e-9);
    // Mismatched layouts are refused.
    assertThrows(IllegalArgumentException.class, () -> NormStats.merge(new double[4], new double[6]));
    assertThrows(IllegalArgumentException.class,
        () -> NormStats.merge(new double[] {1, 2, 0, 0, 1, 2, 0, 0}, new double[] {3, 2, 0, 0, 0, 0, 0, 0}));
  }

  private static double[] concat(double[] a, double[] b) {
    double[] r = new double[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void updateRunningStatsUsesMomentumAndUnbiasedVariance() {
    Network net = bnOnly(Shape.vector(2));
    float[] state = net.initState();
    assertArrayEquals(new float[] {0, 0, 1, 1}, state);
    // Batch of n = 4: channel 0 has mean 1 and M2 6 (unbiased variance 6/3 = 2),
    // channel 1 has mean -2 and M2 0.3 (unbiased 0.1).
    double[] pooled = {2, 4, 1, -2, 6, 0.3};
    net.updateRunningStats(state, pooled);
    // running = 0.9 running + 0.1 batch: mean 0.1 / -0.2; variance 0.9 + 0.2 = 1.1 / 0.9 + 0.01 = 0.91.
    assertArrayEquals(new float[] {0.1f, -0.2f, 1.1f, 0.91f}, state, 1e-6f);
    net.updateRunningStats(state, pooled);
    // mean 0.09 + 0.1 = 0.19; variance 0.99 + 0.2 = 1.19; -0.18 - 0.2 = -0.38; 0.819 + 0.01 = 0.829.
    assertArrayEquals(new float[] {0.19f, -0.38f, 1.19f, 0.829f}, state, 1e-6f);
    // An empty block leaves the running statistics alone.
    net.updateRunningStats(state, net.emptyStats());
    assertArrayEquals(new float[] {0.19f, -0.38f, 1.19f, 0.829f}, state, 1e-6f);
  }

  @Test
  void updateRunningStatsFromARealBatch() {
    int c = 3;
    int n = 20;
    float[] x = randomData(30, n * c, 3, 2);
    Network net = bnOnly(Shape.vector(c));
    float[] state = net.initState();
    GradientSum acc = new GradientSum();
    net.accumulateGradient(net.initParams(0), state, x, new float[x.length], n, 0, acc);
    net.updateRunningStats(state, acc.normStats);
    double[][] s = meanM2(x, n, c, 1);
    for (int k = 0; k < c; k++) {
      assertEquals(0.1 * s[0][k], state[k], 1e-5, "running mean " + k);
      assertEquals(0.9 + 0.1 * s[1][k] / (n - 1), state[c + k], 1e-5, "running variance " + k);
    }
  }

  @Test
  void setRunningStatsReplacesWithPopulationStats() {
    Network net = bnOnly(Shape.vector(2));
    float[] state = {5, 5, 5, 5};
    net.setRunningStats(state, new double[] {2, 5, 1.5, -4, 8, 0.2});
    // variance = M2 / (n - 1): 8/4 = 2, 0.2/4 = 0.05.
    assertArrayEquals(new float[] {1.5f, -4f, 2f, 0.05f}, state, 1e-7f);
  }

  @Test
  void batchNorm2dStatsArePerChannelOverBatchHeightWidth() {
    Shape img = Shape.image(2, 3, 4);
    int n = 5;
    float[] x = new float[n * img.size()];
    Random r = new Random(40);
    // Channel 0 around 10, channel 1 around -1 (CHW per example).
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 2; c++) {
        for (int k = 0; k < 12; k++) {
          x[(i * 2 + c) * 12 + k] = (float) ((c == 0 ? 10 : -1) + (c + 1) * r.nextGaussian());
        }
      }
    }
    Network net = bnOnly(img);
    float[] params = net.initParams(0);
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, net.initState(), x, new float[x.length], n, 0, acc);
    double[] expected = block(x, n, 2, 12);
    assertEquals(60, expected[1]);
    assertBlock(expected, acc.normStats, 0, 1e-9);

    // Training output: per channel mean β (= 0) and biased variance ≈ var/(var+eps) ≈ 1.
    BatchNorm bn = new BatchNorm(img, EPS, 0.1);
    bn.bind(0, 0, 0);
    Pass p = new Pass();
    p.params = new float[] {2, 0.5f, 1, -3}; // γ = (2, 0.5), β = (1, -3)
    p.state = new float[] {0, 0, 1, 1};
    p.training = true;
    float[] y = bn.forward(p, x, n).clone();
    double[] ys = block(y, n, 2, 12);
    double[] gamma = {2, 0.5};
    double[] beta = {1, -3};
    for (int c = 0; c < 2; c++) {
      double var = expected[2 + 2 + c] / 60;
      assertEquals(beta[c], ys[2 + c], 1e-5, "normalised mean, channel " + c);
      assertEquals(gamma[c] * gamma[c] * var / (var + EPS), ys[2 + 2 + c] / 60, 1e-4, "normalised variance, channel " + c);
    }
  }

  @Test
  void inferenceUsesRunningStats() {
    Shape img = Shape.image(2, 2, 2);
    BatchNorm bn = new BatchNorm(img, EPS, 0.1);
    bn.bind(0, 0, 0);
    Pass p = new Pass();
    p.params = new float[] {2, 0.5f, 1, -3}; // γ, β
    p.state = new float[] {4, -1, 9, 0.25f}; // running mean, running variance
    p.training = false;
    float[] x = {4, 7, 1, 4.5f, -1, 0, -2, -0.5f,   10, 4, 4, 4, 3, -1, -1, -1};
    float[] y = bn.forward(p, x, 2).clone();
    double[] g = {2, 0.5};
    double[] b = {1, -3};
    double[] mu = {4, -1};
    double[] var = {9, 0.25};
    for (int i = 0; i < 2; i++) {
      for (int c = 0; c < 2; c++) {
        for (int k = 0; k < 4; k++) {
          int at = (i * 2 + c) * 4 + k;
          double e = g[c] * (x[at] - mu[c]) / Math.sqrt(var[c] + EPS) + b[c];
          assertEquals(e, y[at], 1e-5, "y at " + at);
        }
      }
    }
    // Hand values (eps negligible): x = 7 in channel 0 -> 2 * 3/3 + 1 = 3; x = 0 in channel 1 -> 0.5 * 1/0.5 - 3 = -2.
    assertEquals(3, y[1], 1e-4);
    assertEquals(-2, y[5], 1e-4);
    // Inference is per example: one example alone gives the same output as inside the batch.
    float[] y1 = bn.forward(p, java.util.Arrays.copyOfRange(x, 8, 16), 1);
    assertArrayEquals(java.util.Arrays.copyOfRange(y, 8, 16), java.util.Arrays.copyOf(y1, 8), 0f);
  }

  @Test
  void networkInferenceUsesStateNotTheBatch() {
    Network net = bnOnly(Shape.vector(1));
    float[] params = net.initParams(0);
    float[] state = {2, 4}; // running mean 2, variance 4
    float[] x = {0, 2, 6};
    float[] y = net.predictRaw(params, state, x, 3);
    assertArrayEquals(new float[] {-1, 0, 2}, java.util.Arrays.copyOf(y, 3), 1e-5f);
  }
}
