package dev.dptrain.model;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.awayFromZero;
import static dev.dptrain.model.GradientCheck.objectiveWeights;
import static dev.dptrain.model.GradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientCheck.LayerGradients;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.GroupNorm;
import dev.dptrain.model.layers.InstanceNorm;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.LayerNorm;
import dev.dptrain.model.layers.Maxout;
import dev.dptrain.model.layers.PReLU;
import dev.dptrain.model.layers.Pass;
import dev.dptrain.model.layers.WeightNormDense;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks (see {@link GradientCheck}) of LayerNorm, InstanceNorm, GroupNorm,
 * the weight-normalised dense layer, PReLU and Maxout: input gradient and parameter gradient, on
 * image-shaped and vector inputs where the layer takes both, with the layer bound at a non-zero
 * offset inside a larger parameter vector.
 *
 * <p>Tolerances as in {@link LayerGradientTest}: relative error |a−b|/max(|a|+|b|, 1e-2) ≤ 2e-3
 * for the smooth but curved layers (normalisations, step 1e-2; weight-norm dense, step 5e-3), ≤ 1e-3
 * for the piecewise-linear ones (step 5e-2 PReLU, 1e-2 Maxout, inputs kept off the kinks).
 * Measured maxima are below 6e-4 (LayerNorm dx 1.6e-4, InstanceNorm dx 2.3e-4, weight-norm dv 2.8e-4,
 * PReLU and Maxout ≤ 1e-4); a formula error gives errors of order 0.1 to 1.
 */
class NormAndLearnedLayerGradientTest {
  private static final int OFFSET = 3;

  private static float[] paramsFor(Layer layer, Rng rng, double lo, double hi) {
    return uniform(rng, OFFSET + layer.paramCount() + 2, lo, hi);
  }

  /** Inputs whose channels have different means and spreads, so normalisation is not trivial. */
  private static float[] channelScaled(Rng rng, Shape in, int batch) {
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    for (int i = 0; i < batch; i++) {
      for (int c = 0; c < in.channels(); c++) {
        for (int s = 0; s < in.spatial(); s++) {
          int k = (i * in.channels() + c) * in.spatial() + s;
          x[k] = x[k] * (1 + 0.5f * c) + 0.3f * c;
        }
      }
    }
    return x;
  }

  private static LayerGradients run(Layer layer, float[] params, float[] x, int batch, double h, Rng rng) {
    layer.bind(OFFSET, 0, 1);
    Pass pass = GradientCheck.pass(params, new float[0], true, 9);
    double[] r = objectiveWeights(rng, batch * layer.outputShape().size());
    LayerGradients g = GradientCheck.layerGradients(layer, pass, x, batch, OFFSET, r, h);
    // Per-example statistics / no randomness: inference gives the same output as training.
    float[] inference = layer.forward(GradientCheck.pass(params, new float[0], false, 9), x, batch);
    for (int i = 0; i < g.output.length; i++) {
      assertEquals(g.output[i], inference[i], 0f, layer.describe() + ": inference output differs at " + i);
    }
    return g;
  }

  private static void checkNorm(Layer layer, int batch, long seed) {
    Rng rng = new Rng(seed);
    // γ in [0.5, 1.5], β in [-0.5, 0.5]: away from the initial 1, 0 so every term matters.
    float[] params = paramsFor(layer, rng, 0.5, 1.5);
    int half = layer.paramCount() / 2;
    for (int k = 0; k < half; k++) params[OFFSET + half + k] -= 1f;
    float[] x = channelScaled(rng, layer.inputShape(), batch);
    LayerGradients g = run(layer, params, x, batch, 1e-2, rng);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    if (layer.paramCount() > 0) {
      assertGradientsMatch(layer.describe() + " dγ,dβ", g.analyticParams, g.numericParams, 1e-3, 1e-2);
    }
  }

  @Test
  void layerNormVector() {
    checkNorm(new LayerNorm(Shape.vector(6), 1e-5), 4, 201);
  }

  @Test
  void layerNormImage() {
    checkNorm(new LayerNorm(Shape.image(2, 2, 3), 1e-5), 3, 202);
  }

  @Test
  void instanceNormAffine() {
    checkNorm(new InstanceNorm(Shape.image(3, 2, 3), true, 1e-5), 2, 203);
  }

  @Test
  void instanceNormWithoutAffine() {
    InstanceNorm layer = new InstanceNorm(Shape.image(2, 3, 3), false, 1e-5);
    assertEquals(0, layer.paramCount());
    checkNorm(layer, 2, 204);
  }

  @Test
  void groupNormImage() {
    checkNorm(new GroupNorm(Shape.image(4, 2, 2), 2, 1e-5), 3, 205);
  }

  @Test
  void groupNormVector() {
    // Groups of 4 features: with 2 or 3 the normalised values sit on a tiny sphere, and the
    // gradient is either ~0 (2 values are always ±1) or strongly curved.
    checkNorm(new GroupNorm(Shape.vector(8), 2, 1e-5), 4, 206);
  }

  @Test
  void groupNormBatchOfOne() {
    checkNorm(new GroupNorm(Shape.image(4, 2, 3), 4, 1e-5), 1, 207);
  }

  /** Per-example: an example's output does not depend on the other examples of the batch. */
  @Test
  void normalisationIgnoresTheRestOfTheBatch() {
    Rng rng = new Rng(208);
    Shape in = Shape.image(4, 2, 2);
    for (Layer layer : new Layer[] {new LayerNorm(in, 1e-5), new InstanceNorm(in, true, 1e-5), new GroupNorm(in, 2, 1e-5)}) {
      layer.bind(OFFSET, 0, 0);
      float[] params = paramsFor(layer, rng, 0.5, 1.5);
      float[] x = channelScaled(rng, in, 3);
      Pass pass = GradientCheck.pass(params, new float[0], true, 1);
      float[] first = java.util.Arrays.copyOf(layer.forward(pass, x, 3), in.size());
      float[] alone = java.util.Arrays.copyOf(layer.forward(pass, java.util.Arrays.copyOf(x, in.size()), 1), in.size());
      assertArrayEquals(first, alone, layer.describe() + ": example 0 changed with the batch around it");
    }
  }

  @Test
  void normalisationShapeErrorsNameTheNumbers() {
    String m = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(Shape.image(6, 2, 2), 4, 1e-5)).getMessage();
    assertTrue(m.contains("groups = 4") && m.contains("6 channels"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new InstanceNorm(Shape.vector(8), false, 1e-5)).getMessage();
    assertTrue(m.contains("image input") && m.contains("[8]"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new GroupNorm(Shape.vector(4), 4, 1e-5)).getMessage();
    assertTrue(m.contains("1 value"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(Shape.vector(5), 0)).getMessage();
    assertTrue(m.contains("eps"), m);
  }

  // ---------------------------------------------------------------------------------------------
  // Weight-normalised dense

  private static void checkWeightNormDense(Shape in, int units, boolean bias, long seed) {
    Rng rng = new Rng(seed);
    WeightNormDense layer = new WeightNormDense(in, units, bias, Init.HE_NORMAL);
    assertEquals(units * in.size() + units + (bias ? units : 0), layer.paramCount());
    float[] params = paramsFor(layer, rng, -1, 1);
    int batch = 4;
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    // w = g v/‖v‖ is curved in v: a step of 5e-3 keeps the truncation error (∝ h²) well below
    // the tolerance (at 1e-2 it reaches 1.2e-3 on a small entry) while rounding noise stays low.
    LayerGradients g = run(layer, params, x, batch, 5e-3, rng);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    assertGradientsMatch(layer.describe() + " dv,dg,db", g.analyticParams, g.numericParams, 2e-3, 1e-2);
  }

  @Test
  void weightNormDenseWithBias() {
    checkWeightNormDense(Shape.vector(5), 3, true, 211);
  }

  @Test
  void weightNormDenseWithoutBias() {
    checkWeightNormDense(Shape.vector(4), 3, false, 212);
  }

  @Test
  void weightNormDenseOnImageInput() {
    checkWeightNormDense(Shape.image(2, 2, 2), 3, true, 213);
  }

  /** Freshly initialised, g = ‖v_i‖, so the layer computes exactly v x + b. */
  @Test
  void weightNormDenseStartsAsItsDirectionMatrix() {
    Rng rng = new Rng(214);
    Shape in = Shape.vector(6);
    WeightNormDense layer = new WeightNormDense(in, 4, true, Init.HE_NORMAL);
    layer.bind(0, 0, 0);
    float[] params = new float[layer.paramCount()];
    layer.initParams(params, new Rng(5));
    int batch = 2;
    float[] x = uniform(rng, batch * 6, -1, 1);
    float[] y = layer.forward(GradientCheck.pass(params, new float[0], true, 0), x, batch);
    for (int i = 0; i < batch; i++) {
      for (int u = 0; u < 4; u++) {
        double expected = 0;
        for (int j = 0; j < 6; j++) expected += params[u * 6 + j] * x[i * 6 + j];
        assertEquals(expected, y[i * 4 + u], 1e-5, "output [" + i + ", " + u + "]");
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // PReLU

  private static void checkPrelu(Shape in, PReLU.Mode mode, long seed) {
    Rng rng = new Rng(seed);
    PReLU layer = new PReLU(in, mode);
    assertEquals(mode == PReLU.Mode.SHARED ? 1 : in.channels(), layer.paramCount());
    float[] params = paramsFor(layer, rng, 0.05, 0.6);
    int batch = 3;
    float[] x = awayFromZero(rng, batch * in.size(), 0.1, 2);
    // PReLU is linear in x on each side of 0 and linear in a: a large step only lowers rounding noise.
    LayerGradients g = run(layer, params, x, batch, 5e-2, rng);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);
    assertGradientsMatch(layer.describe() + " da", g.analyticParams, g.numericParams, 1e-3, 1e-2);
  }

  @Test
  void preluSharedVector() {
    checkPrelu(Shape.vector(7), PReLU.Mode.SHARED, 221);
  }

  @Test
  void preluPerChannelVector() {
    checkPrelu(Shape.vector(4), PReLU.Mode.CHANNEL, 222);
  }

  @Test
  void preluPerChannelImage() {
    checkPrelu(Shape.image(3, 2, 2), PReLU.Mode.CHANNEL, 223);
  }

  @Test
  void preluSharedImageAndInitialSlope() {
    checkPrelu(Shape.image(2, 2, 3), PReLU.Mode.SHARED, 224);
    PReLU layer = new PReLU(Shape.image(3, 1, 2), PReLU.Mode.CHANNEL);
    layer.bind(1, 0, 0);
    float[] params = new float[5];
    layer.initParams(params, new Rng(1));
    assertArrayEquals(new float[] {0, 0.25f, 0.25f, 0.25f, 0}, params, "PyTorch's initial slope 0.25");
  }

  // ---------------------------------------------------------------------------------------------
  // Maxout

  private static void checkMaxout(Shape in, int units, int pieces, long seed) {
    Rng rng = new Rng(seed);
    Maxout layer = new Maxout(in, units, pieces, Init.HE_NORMAL);
    int rows = units * pieces;
    assertEquals(rows * in.size() + rows, layer.paramCount());
    float[] params = paramsFor(layer, rng, -1, 1);
    int batch = 4;
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    // Each perturbation by h moves every piece z by at most h·max(|x|, |W|, 1) = h; with the best
    // and second-best pieces more than 2h apart, no finite difference switches the argmax.
    double h = 1e-2;
    float[] z = new float[batch * rows];
    for (int i = 0; i < batch; i++) {
      for (int q = 0; q < rows; q++) {
        double s = params[OFFSET + rows * in.size() + q];
        for (int j = 0; j < in.size(); j++) s += params[OFFSET + q * in.size() + j] * x[i * in.size() + j];
        z[i * rows + q] = (float) s;
      }
    }
    int[] winners = new int[pieces];
    for (int o = 0; o < batch * units; o++) {
      int best = 0;
      for (int j = 1; j < pieces; j++) if (z[o * pieces + j] > z[o * pieces + best]) best = j;
      winners[best]++;
      for (int j = 0; j < pieces; j++) {
        if (j != best) assertTrue(z[o * pieces + best] - z[o * pieces + j] > 2 * h, "pieces too close; pick another seed");
      }
    }
    int used = 0;
    for (int w : winners) if (w > 0) used++;
    assertTrue(used >= 2, "the argmax routing should pick different pieces across outputs");
    LayerGradients g = run(layer, params, x, batch, h, rng);
    for (int o = 0; o < batch * units; o++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < pieces; j++) max = Math.max(max, z[o * pieces + j]);
      assertEquals(max, g.output[o], 1e-5, "maxout output [" + o + "]");
    }
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);
    assertGradientsMatch(layer.describe() + " dW,db", g.analyticParams, g.numericParams, 1e-3, 1e-2);
  }

  @Test
  void maxoutVector() {
    checkMaxout(Shape.vector(5), 3, 3, 231);
  }

  @Test
  void maxoutOnImageInputIsFlattened() {
    checkMaxout(Shape.image(2, 2, 2), 2, 2, 232);
  }
}
