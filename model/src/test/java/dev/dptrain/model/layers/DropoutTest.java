package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DropoutTest {
  private static final int FEATURES = 1000;
  private static final int BATCH = 200; // 200,000 elements
  private static final double Z = 6;

  private static Dropout layer(double rate, int index) {
    Dropout d = new Dropout(Shape.vector(FEATURES), rate);
    d.bind(0, 0, index);
    return d;
  }

  private static Pass pass(boolean training, long seed) {
    Pass p = new Pass();
    p.params = new float[0];
    p.state = new float[0];
    p.training = training;
    p.seed = seed;
    return p;
  }

  private static float[] ones() {
    float[] x = new float[FEATURES * BATCH];
    java.util.Arrays.fill(x, 1f);
    return x;
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.25, 0.5, 0.75})
  void invertedDropoutKeepsTheExpectation(double p) {
    int n = FEATURES * BATCH;
    float[] y = layer(p, 3).forward(pass(true, 42), ones(), BATCH).clone();
    double keep = 1 / (1 - p);
    double sum = 0;
    int zeros = 0;
    for (int i = 0; i < n; i++) {
      sum += y[i];
      if (y[i] == 0f) {
        zeros++;
      } else {
        // Every survivor is scaled by exactly 1/(1-p) (to float precision of the stored rate).
        assertEquals((float) keep, y[i], Math.ulp((float) keep), "surviving value at " + i);
      }
    }
    // mean = K/((1-p) n) with K ~ Binomial(n, 1-p): E = 1, sd = sqrt(p / ((1-p) n)).
    double sdMean = Math.sqrt(p / ((1 - p) * n));
    assertEquals(1.0, sum / n, Z * sdMean, "mean of the training output over ones");
    double sdFrac = Math.sqrt(p * (1 - p) / n);
    assertEquals(p, (double) zeros / n, Z * sdFrac, "fraction of dropped elements");
  }

  @Test
  void dyadicRatesScaleExactly() {
    checkDyadic(0.5, 2f);
    checkDyadic(0.75, 4f);
  }

  /** Every value is 0 or exactly 1/(1-p), and the kept fraction is 1-p within Z binomial sds. */
  private static void checkDyadic(double p, float scaled) {
    int n = FEATURES * BATCH;
    float[] y = layer(p, 0).forward(pass(true, 1), ones(), BATCH);
    int kept = 0;
    for (int i = 0; i < n; i++) {
      float v = y[i];
      assertTrue(v == 0f || v == scaled, "value " + v + " at " + i);
      if (v == scaled) kept++;
    }
    assertEquals(1 - p, (double) kept / n, Z * Math.sqrt(p * (1 - p) / n), "kept fraction at rate " + p);
  }

  @Test
  void inferenceIsIdentity() {
    float[] x = new float[FEATURES * 2];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
    float[] before = x.clone();
    float[] y = layer(0.5, 0).forward(pass(false, 42), x, 2);
    assertArrayEquals(before, java.util.Arrays.copyOf(y, x.length));
    assertArrayEquals(before, x, "input must not be modified");
    // Rate 0 is the identity in training too.
    assertSame(x, layer(0, 0).forward(pass(true, 42), x, 2));
  }

  @Test
  void inferenceThroughTheNetworkIgnoresDropout() {
    NetworkSpec spec = NetworkSpec.builder(Shape.vector(5)).dense(4).dropout(0.5).dense(3).build();
    NetworkSpec noDrop = NetworkSpec.builder(Shape.vector(5)).dense(4).dense(3).build();
    Network a = Network.build(spec);
    Network b = Network.build(noDrop);
    float[] pa = a.initParams(5);
    float[] x = {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 1, 2, 3, 4, 5};
    float[] ya = a.predictRaw(pa, a.initState(), x, 2).clone();
    // Same parameter layout (dropout has no parameters), so the same vector works for both.
    float[] yb = b.predictRaw(pa, b.initState(), x, 2);
    assertArrayEquals(java.util.Arrays.copyOf(yb, 6), java.util.Arrays.copyOf(ya, 6));
  }

  private static float[] mask(long seed, int index) {
    return layer(0.5, index).forward(pass(true, seed), ones(), BATCH).clone();
  }

  @Test
  void sameSeedSameMaskDifferentSeedDifferentMask() {
    float[] a = mask(7, 2);
    assertArrayEquals(a, mask(7, 2), "same seed and layer must give the same mask");
    float[] c = mask(8, 2);
    assertFalse(java.util.Arrays.equals(a, c), "a different seed must give a different mask");
    // Independent masks agree on about half the positions (p² + (1-p)² = 0.5), not all.
    int agree = 0;
    for (int i = 0; i < a.length; i++) if (a[i] == c[i]) agree++;
    double n = a.length;
    assertEquals(0.5, agree / n, Z * Math.sqrt(0.25 / n));
    // A different layer index also gives a different mask.
    assertFalse(java.util.Arrays.equals(a, mask(7, 3)));
  }

  @Test
  void backwardUsesTheForwardMask() {
    Dropout d = layer(0.3, 1);
    Pass ps = pass(true, 11);
    float[] y = d.forward(ps, ones(), BATCH).clone();
    float[] dy = new float[FEATURES * BATCH];
    for (int i = 0; i < dy.length; i++) dy[i] = (i % 7) - 3;
    float[] dx = d.backward(ps, dy, BATCH, true);
    for (int i = 0; i < dy.length; i++) assertEquals(dy[i] * y[i], dx[i], 0f, "dx at " + i);
  }

  @Test
  void rateMustBeInZeroOne() {
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Shape.vector(3), 1.0));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Shape.vector(3), -0.1));
    assertThrows(IllegalArgumentException.class, () -> new Dropout(Shape.vector(3), Double.NaN));
  }
}
