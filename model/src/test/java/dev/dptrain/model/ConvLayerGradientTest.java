package dev.dptrain.model;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.objectiveWeights;
import static dev.dptrain.model.GradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientCheck.LayerGradients;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.AvgPool2D;
import dev.dptrain.model.layers.Conv2D;
import dev.dptrain.model.layers.Flatten;
import dev.dptrain.model.layers.GlobalAvgPool;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.MaxPool2D;
import dev.dptrain.model.layers.Pass;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks (see {@link GradientCheck}) of the convolutional layers: input and
 * parameter gradients, with the layer bound at a non-zero offset. Tolerance: relative error
 * ≤ 2e-3 with floor 1e-2 (step 1e-2); conv and pooling are linear in input and weights, so the
 * central difference is exact up to the float32 rounding of the forward pass (measured ≤ 1.2e-3 on
 * gradients near the floor; a wrong index or factor gives errors of order 1). Max pooling's inputs
 * are a shuffled grid of distinct values at least 0.05 apart, so a ±1e-2 step never changes a
 * window's winner. The whole-network check uses tanh and average pooling: with ReLU and max
 * pooling a weight step moves some activations across a kink and the difference quotient is wrong
 * by design.
 */
class ConvLayerGradientTest {
  private static final int OFFSET = 5;

  private static LayerGradients run(Layer layer, float[] x, int batch, long seed) {
    return run(layer, x, batch, seed, 1e-2);
  }

  private static LayerGradients run(Layer layer, float[] x, int batch, long seed, double h) {
    Rng rng = new Rng(seed);
    layer.bind(OFFSET, 0, 1);
    float[] params = uniform(rng, OFFSET + layer.paramCount() + 3, -0.5, 0.5);
    Pass pass = GradientCheck.pass(params, new float[0], true, 3);
    double[] r = objectiveWeights(rng, batch * layer.outputShape().size());
    return GradientCheck.layerGradients(layer, pass, x, batch, OFFSET, r, h);
  }

  private static void check(Layer layer, int batch, long seed) {
    check(layer, batch, seed, 1e-2);
  }

  private static void check(Layer layer, int batch, long seed, double h) {
    float[] x = uniform(new Rng(seed + 1), batch * layer.inputShape().size(), -1, 1);
    LayerGradients g = run(layer, x, batch, seed, h);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    if (layer.paramCount() > 0) {
      assertGradientsMatch(layer.describe() + " dparams", g.analyticParams, g.numericParams, 2e-3, 1e-2);
    }
  }

  @Test
  void conv3x3SamePadding() {
    check(new Conv2D(Shape.image(2, 5, 5), 3, 3, 3, 1, 1, true, Init.HE_NORMAL), 2, 301);
  }

  @Test
  void conv3x3Stride2Padding1() {
    check(new Conv2D(Shape.image(3, 6, 7), 4, 3, 3, 2, 1, true, Init.HE_NORMAL), 3, 302);
  }

  @Test
  void conv5x5ValidWithoutBias() {
    Conv2D conv = new Conv2D(Shape.image(1, 8, 8), 2, 5, 5, 1, 0, false, Init.HE_NORMAL);
    assertEquals(Shape.image(2, 4, 4), conv.outputShape());
    assertEquals(2 * 25, conv.paramCount());
    check(conv, 2, 303);
  }

  @Test
  void conv1x1Stride2Projection() {
    // 5x5 input: stride 2 reads 9 of 25 positions, the others rightly get no gradient.
    check(new Conv2D(Shape.image(4, 5, 5), 6, 1, 1, 2, 0, false, Init.HE_NORMAL), 2, 304);
  }

  @Test
  void conv3x3WeightNorm() {
    Conv2D conv = new Conv2D(Shape.image(2, 5, 5), 3, 3, 3, 1, 1, true, true, Init.HE_NORMAL);
    assertEquals(3 * 18 + 3 + 3, conv.paramCount(), "v, g and b");
    // W = g·v/‖v‖ is curved in v: a smaller step, as for the weight-normalised dense layer.
    check(conv, 2, 313, 5e-3);
  }

  /** Conv equals the direct sum of its definition, computed here with plain loops. */
  @Test
  void convMatchesDirectDefinition() {
    Shape in = Shape.image(2, 5, 6);
    int f = 3;
    int k = 3;
    int s = 2;
    int p = 1;
    Conv2D conv = new Conv2D(in, f, k, k, s, p, true, Init.HE_NORMAL);
    conv.bind(0, 0, 0);
    Rng rng = new Rng(305);
    float[] params = uniform(rng, conv.paramCount(), -1, 1);
    int batch = 2;
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    float[] y = conv.forward(GradientCheck.pass(params, new float[0], false, 0), x, batch);
    Shape out = conv.outputShape();
    for (int n = 0; n < batch; n++) {
      for (int o = 0; o < f; o++) {
        for (int oy = 0; oy < out.height(); oy++) {
          for (int ox = 0; ox < out.width(); ox++) {
            double sum = params[f * in.channels() * k * k + o];
            for (int c = 0; c < in.channels(); c++) {
              for (int ki = 0; ki < k; ki++) {
                for (int kj = 0; kj < k; kj++) {
                  int iy = oy * s - p + ki;
                  int ix = ox * s - p + kj;
                  if (iy < 0 || iy >= in.height() || ix < 0 || ix >= in.width()) continue;
                  sum += params[((o * in.channels() + c) * k + ki) * k + kj]
                      * x[((n * in.channels() + c) * in.height() + iy) * in.width() + ix];
                }
              }
            }
            int at = ((n * f + o) * out.height() + oy) * out.width() + ox;
            assertEquals(sum, y[at], 1e-5, "y at " + at);
          }
        }
      }
    }
  }

  /** Distinct values ≥ 0.05 apart in random order: no ties, and a 1e-2 step keeps every winner. */
  private static float[] distinctGrid(int n, long seed) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = -1f + 0.05f * i;
    Rng rng = new Rng(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      float t = v[i];
      v[i] = v[j];
      v[j] = t;
    }
    return v;
  }

  @Test
  void maxPoolRoutesToTheArgmax() {
    MaxPool2D pool = new MaxPool2D(Shape.image(2, 4, 6), 2, 2, 0);
    int batch = 2;
    float[] x = distinctGrid(batch * 48, 306);
    LayerGradients g = run(pool, x, batch, 306);
    assertGradientsMatch("maxpool dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    // Exactly one input per window receives the gradient.
    long nonZero = java.util.Arrays.stream(g.analyticInput).filter(d -> d != 0).count();
    assertEquals(batch * pool.outputShape().size(), nonZero);
  }

  @Test
  void maxPoolOverlappingWithPadding() {
    MaxPool2D pool = new MaxPool2D(Shape.image(1, 5, 5), 3, 2, 1);
    assertEquals(Shape.image(1, 3, 3), pool.outputShape());
    float[] x = distinctGrid(2 * 25, 307);
    // The window centres (even rows and columns) hold the largest values, so all nine windows have
    // different winners and the check sees nine non-zero gradients per image.
    for (int i = 0; i < 2; i++) {
      for (int r = 0; r < 5; r += 2) {
        for (int c = 0; c < 5; c += 2) x[i * 25 + r * 5 + c] += 10f;
      }
    }
    LayerGradients g = run(pool, x, 2, 307);
    assertGradientsMatch("maxpool 3/2/1 dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
  }

  @Test
  void avgPool() {
    check(new AvgPool2D(Shape.image(3, 4, 4), 2, 2, 0), 2, 308);
  }

  @Test
  void avgPoolOverlappingWithPadding() {
    check(new AvgPool2D(Shape.image(2, 5, 5), 3, 2, 1), 2, 309);
  }

  @Test
  void globalAvgPool() {
    GlobalAvgPool gap = new GlobalAvgPool(Shape.image(3, 2, 4));
    assertEquals(Shape.vector(3), gap.outputShape());
    check(gap, 2, 310);
  }

  @Test
  void flattenKeepsTheData() {
    Flatten flat = new Flatten(Shape.image(2, 3, 3));
    assertEquals(Shape.vector(18), flat.outputShape());
    float[] x = uniform(new Rng(311), 36, -1, 1);
    Pass pass = GradientCheck.pass(new float[0], new float[0], true, 0);
    assertArrayEquals(x, flat.forward(pass, x, 2));
    assertArrayEquals(x, flat.backward(pass, x, 2, true));
  }

  @Test
  void shapeErrorsNameTheLayerAndNumbers() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Conv2D(Shape.image(1, 4, 4), 2, 5, 5, 1, 0, true, Init.HE_NORMAL));
    assertTrue(e.getMessage().contains("5x5") && e.getMessage().contains("4x4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new MaxPool2D(Shape.image(1, 4, 4), 2, 0, 0));
    assertTrue(e.getMessage().contains("stride"), e.getMessage());
  }

  /** A whole small CNN: every parameter's gradient through Network.accumulateGradient. */
  @Test
  void smallCnnNetworkGradient() {
    NetworkSpec spec = NetworkSpec.builder(Shape.image(1, 8, 8))
        .conv2d(3, 3, 1, 1).batchNorm().activation(dev.dptrain.model.layers.Activation.Kind.TANH, 0).avgPool(2)
        .conv2d(4, 3, 1, 0).activation(dev.dptrain.model.layers.Activation.Kind.TANH, 0).globalAvgPool().dense(3).build();
    Network net = Network.build(spec);
    Rng rng = new Rng(312);
    float[] params = net.initParams(312);
    int batch = 4;
    float[] x = uniform(rng, batch * 64, -1, 1);
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) labels[i] = i % 3;
    float[] state = net.initState();
    GradientSum sum = new GradientSum();
    net.accumulateGradient(params, state, x, labels, batch, 1, sum);
    double[] analytic = new double[params.length];
    for (int i = 0; i < params.length; i++) analytic[i] = sum.grad[i];
    // Each example's loss comes from float32 logits: about one float32 unit roundoff of its size.
    var numeric = GradientCheck.centralDifferences(params, 0, params.length, 1e-2, GradientCheck.U32 * sum.lossSum,
        () -> lossSum(net, params, state, x, labels, batch));
    assertGradientsMatch("cnn params", analytic, numeric, 5e-3, 1e-2);
  }

  private static double lossSum(Network net, float[] params, float[] state, float[] x, float[] y, int batch) {
    GradientSum s = new GradientSum();
    net.accumulateGradient(params, state, x, y, batch, 1, s);
    return s.lossSum;
  }
}
