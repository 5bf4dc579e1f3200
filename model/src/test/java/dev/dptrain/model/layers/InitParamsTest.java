package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Initial parameters of every learned layer, written at a non-zero offset into a vector of NaN:
 * the layer writes exactly its own slice, biases and shifts start at 0, scales at 1, and weights
 * follow the scheme with the layer's fan-in and fan-out. Xavier-uniform draws lie in
 * [-b, b], b = √(6/(fanIn + fanOut)); with n draws the largest |w| is below 0.9·b only with
 * probability 0.9^n (below 1e-9 for the n ≥ 200 used here), so max|w| ∈ (0.9b, b] pins b.
 */
class InitParamsTest {
  private static final int OFF = 3;

  private static float[] init(Layer l) {
    l.bind(OFF, 0, 0);
    float[] p = new float[OFF + l.paramCount() + 2];
    Arrays.fill(p, Float.NaN);
    l.initParams(p, new Rng(17));
    for (int i = 0; i < OFF; i++) assertTrue(Float.isNaN(p[i]), l.describe() + " wrote before its slice at " + i);
    for (int i = OFF + l.paramCount(); i < p.length; i++) assertTrue(Float.isNaN(p[i]), l.describe() + " wrote after its slice at " + i);
    for (int i = OFF; i < OFF + l.paramCount(); i++) assertTrue(Float.isFinite(p[i]), l.describe() + " left " + i + " unset");
    return p;
  }

  private static void assertXavierBound(float[] p, int from, int n, int fanIn, int fanOut, String what) {
    double b = Math.sqrt(6.0 / (fanIn + fanOut));
    double max = 0;
    for (int i = from; i < from + n; i++) max = Math.max(max, Math.abs(p[i]));
    assertTrue(max <= b * (1 + 0x1p-23) && max > 0.9 * b, what + ": max |w| " + max + " for bound " + b);
  }

  private static void assertAll(float[] p, int from, int n, float v, String what) {
    for (int i = from; i < from + n; i++) assertEquals(v, p[i], what + " at " + i);
  }

  @Test
  void dense() {
    Dense d = new Dense(Shape.vector(40), 30, true, Init.XAVIER_UNIFORM);
    float[] p = init(d);
    assertXavierBound(p, OFF, 1200, 40, 30, "dense weights");
    assertAll(p, OFF + 1200, 30, 0f, "dense bias");
  }

  @Test
  void conv2d() {
    // fanIn = C·kh·kw = 3·3·3 = 27, fanOut = filters·kh·kw = 8·3·3 = 72.
    Conv2D c = new Conv2D(Shape.image(3, 4, 4), 8, 3, 3, 1, 1, true, Init.XAVIER_UNIFORM);
    float[] p = init(c);
    assertXavierBound(p, OFF, 216, 27, 72, "conv weights");
    assertAll(p, OFF + 216, 8, 0f, "conv bias");
    // Weight norm: gains g_i = ‖v_i‖, so the effective weights start equal to v.
    Conv2D wn = new Conv2D(Shape.image(3, 4, 4), 8, 3, 3, 1, 1, true, true, Init.XAVIER_UNIFORM);
    float[] q = init(wn);
    for (int f = 0; f < 8; f++) {
      double ss = 0;
      for (int j = 0; j < 27; j++) ss += (double) q[OFF + f * 27 + j] * q[OFF + f * 27 + j];
      assertEquals(Math.sqrt(ss), q[OFF + 216 + f], 1e-6 * Math.sqrt(ss), "gain of filter " + f);
    }
    assertAll(q, OFF + 224, 8, 0f, "weight-norm conv bias");
  }

  @Test
  void maxoutAndWeightNormDense() {
    // Maxout: units·pieces rows of fanIn inputs, fanOut = rows.
    Maxout m = new Maxout(Shape.vector(50), 10, 3, Init.XAVIER_UNIFORM);
    float[] p = init(m);
    assertXavierBound(p, OFF, 1500, 50, 30, "maxout weights");
    assertAll(p, OFF + 1500, 30, 0f, "maxout biases");
    WeightNormDense w = new WeightNormDense(Shape.vector(40), 6, true, Init.XAVIER_UNIFORM);
    float[] q = init(w);
    assertXavierBound(q, OFF, 240, 40, 6, "weight-norm dense directions");
    for (int u = 0; u < 6; u++) {
      double ss = 0;
      for (int j = 0; j < 40; j++) ss += (double) q[OFF + u * 40 + j] * q[OFF + u * 40 + j];
      assertEquals(Math.sqrt(ss), q[OFF + 240 + u], 1e-6 * Math.sqrt(ss), "gain " + u);
    }
    assertAll(q, OFF + 246, 6, 0f, "weight-norm dense bias");
  }

  @Test
  void normalisationScalesAndShifts() {
    float[] bn = init(new BatchNorm(Shape.image(4, 2, 2), 1e-5, 0.1));
    assertAll(bn, OFF, 4, 1f, "γ");
    assertAll(bn, OFF + 4, 4, 0f, "β");
    BatchNorm b = new BatchNorm(Shape.image(4, 2, 2), 1e-5, 0.1);
    b.bind(0, 2, 0);
    float[] state = new float[11];
    Arrays.fill(state, Float.NaN);
    b.initState(state);
    assertTrue(Float.isNaN(state[0]) && Float.isNaN(state[1]) && Float.isNaN(state[10]), "only its own slice");
    assertAll(state, 2, 4, 0f, "running mean");
    assertAll(state, 6, 4, 1f, "running variance");
    float[] ln = init(new LayerNorm(Shape.vector(5), 1e-5));
    assertAll(ln, OFF, 5, 1f, "layernorm γ");
    assertAll(ln, OFF + 5, 5, 0f, "layernorm β");
    float[] gn = init(new GroupNorm(Shape.image(4, 2, 2), 2, 1e-5));
    assertAll(gn, OFF, 4, 1f, "groupnorm γ");
    assertAll(gn, OFF + 4, 4, 0f, "groupnorm β");
    float[] in = init(new InstanceNorm(Shape.image(3, 2, 2), true, 1e-5));
    assertAll(in, OFF, 3, 1f, "instancenorm γ");
    assertAll(in, OFF + 3, 3, 0f, "instancenorm β");
    InstanceNorm plain = new InstanceNorm(Shape.image(3, 2, 2), false, 1e-5);
    assertEquals(0, plain.paramCount());
    init(plain);
  }
}
