package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Layers keep forward and backward buffers between calls. A second forward/backward on the same
 * instance must give exactly what a fresh instance gives (no stale gradient left in a reused
 * buffer); and activations give known values, not only values consistent with their derivative.
 */
class ReusedBuffersAndKnownValuesTest {
  private static float[] gaussian(long seed, int n) {
    Rng r = new Rng(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }

  private static Pass pass(float[] params, boolean training, long seed) {
    Pass p = new Pass();
    p.params = params;
    p.grads = new float[params.length];
    p.state = new float[0];
    p.training = training;
    p.seed = seed;
    return p;
  }

  /**
   * Runs (x1, dy1) then (x2, dy2) through one instance and (x2, dy2) through a fresh one; the
   * second input gradient and parameter gradient must be identical. The batch of the second call
   * is smaller, as in the last step of an epoch.
   */
  private static void secondCallEqualsFreshCall(Supplier<Layer> make, float[] params) {
    Layer reused = make.get();
    reused.bind(0, 0, 0);
    int in = reused.inputShape().size();
    int out = reused.outputShape().size();
    int b1 = 4;
    int b2 = 3;
    Pass p1 = pass(params, true, 11);
    reused.forward(p1, gaussian(1, b1 * in), b1);
    reused.backward(p1, gaussian(2, b1 * out), b1, true);
    float[] x2 = gaussian(3, b2 * in);
    float[] dy2 = gaussian(4, b2 * out);
    Pass p2 = pass(params, true, 12);
    float[] y = reused.forward(p2, x2, b2).clone();
    float[] dx = Arrays.copyOf(reused.backward(p2, dy2, b2, true), b2 * in);

    Layer fresh = make.get();
    fresh.bind(0, 0, 0);
    Pass pf = pass(params, true, 12);
    float[] yf = fresh.forward(pf, x2, b2).clone();
    float[] dxf = Arrays.copyOf(fresh.backward(pf, dy2, b2, true), b2 * in);
    String what = reused.describe();
    assertArrayEquals(Arrays.copyOf(yf, b2 * out), Arrays.copyOf(y, b2 * out), what + ": output");
    assertArrayEquals(dxf, dx, what + ": input gradient of a second call");
    assertArrayEquals(pf.grads, p2.grads, what + ": parameter gradient of a second call");
    // The gradient really is non-trivial (a layer returning zeros would also "match").
    double s = 0;
    for (float v : dxf) s += Math.abs(v);
    assertEquals(true, s > 0, what + ": non-zero input gradient");
  }

  @Test
  void maxPool() {
    secondCallEqualsFreshCall(() -> new MaxPool2D(Shape.image(2, 4, 4), 2, 2, 0), new float[0]);
    secondCallEqualsFreshCall(() -> new MaxPool2D(Shape.image(1, 5, 5), 3, 1, 1), new float[0]);
  }

  @Test
  void avgPool() {
    secondCallEqualsFreshCall(() -> new AvgPool2D(Shape.image(2, 4, 4), 2, 2, 0), new float[0]);
    secondCallEqualsFreshCall(() -> new AvgPool2D(Shape.image(1, 5, 5), 3, 1, 1), new float[0]);
  }

  @Test
  void stochasticPool() {
    secondCallEqualsFreshCall(() -> new StochasticPool2D(Shape.image(2, 4, 4), 2, 2), new float[0]);
  }

  @Test
  void maxout() {
    Supplier<Layer> make = () -> new Maxout(Shape.vector(5), 3, 2, Init.HE_NORMAL);
    Layer l = make.get();
    float[] params = new float[l.paramCount()];
    l.bind(0, 0, 0);
    l.initParams(params, new Rng(5));
    for (int i = 0; i < params.length; i++) params[i] += 0.01f * i; // non-zero biases too
    secondCallEqualsFreshCall(make, params);
  }

  // ---- known values ------------------------------------------------------------------------

  private static float[] activate(Activation.Kind kind, double alpha, float... z) {
    Activation a = new Activation(Shape.vector(z.length), kind, alpha);
    a.bind(0, 0, 0);
    return Arrays.copyOf(a.forward(pass(new float[0], true, 0), z, 1), z.length);
  }

  /** Each expected value is the float nearest the exact value, so one rounding (1 ulp) is allowed. */
  private static void assertNear(double[] expected, float[] actual, String what) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], Math.max(Math.ulp((float) expected[i]), Float.MIN_VALUE), what + " [" + i + "]");
    }
  }

  @Test
  void activationsGiveKnownValues() {
    float[] z = {-3, -0.5f, 0, 0.5f, 2, 40, -40};
    double[] sig = new double[z.length];
    double[] tanh = new double[z.length];
    double[] elu = new double[z.length];
    double[] leaky = new double[z.length];
    double[] relu = new double[z.length];
    for (int i = 0; i < z.length; i++) {
      sig[i] = 1 / (1 + Math.exp(-(double) z[i]));
      tanh[i] = Math.tanh(z[i]);
      elu[i] = z[i] > 0 ? z[i] : 1.5 * Math.expm1(z[i]);
      leaky[i] = z[i] > 0 ? z[i] : 0.25 * z[i];
      relu[i] = Math.max(0, z[i]);
    }
    // Hand values: σ(0) = 1/2, σ(2) = 0.8807970779778823, tanh(0.5) = 0.46211715726000974.
    assertEquals(0.5f, activate(Activation.Kind.SIGMOID, 0, 0f)[0]);
    assertEquals(0.8807970779778823, activate(Activation.Kind.SIGMOID, 0, 2f)[0], 1e-7);
    assertEquals(0.46211715726000974, activate(Activation.Kind.TANH, 0, 0.5f)[0], 1e-7);
    assertNear(sig, activate(Activation.Kind.SIGMOID, 0, z), "sigmoid");
    assertNear(tanh, activate(Activation.Kind.TANH, 0, z), "tanh");
    assertNear(elu, activate(Activation.Kind.ELU, 1.5, z), "elu(1.5)");
    assertNear(leaky, activate(Activation.Kind.LEAKY_RELU, 0.25, z), "leaky_relu(0.25)");
    assertNear(relu, activate(Activation.Kind.RELU, 0, z), "relu");
    assertArrayEquals(z, activate(Activation.Kind.IDENTITY, 0, z), "identity");
    // The helper itself, on both tails (the stable branch for negative z).
    assertEquals(0.5f, Activation.sigmoid(0f));
    assertEquals(1 / (1 + Math.exp(3)), Activation.sigmoid(-3f), Math.ulp(0.05f));
    assertEquals(1f, Activation.sigmoid(40f));
  }
}
