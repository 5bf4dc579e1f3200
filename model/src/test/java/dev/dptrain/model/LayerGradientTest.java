package dev.dptrain.model;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.awayFromZero;
import static dev.dptrain.model.GradientCheck.centralDifferences;
import static dev.dptrain.model.check.FiniteDifferences.lossSumError;
import static dev.dptrain.model.GradientCheck.float32Error;
import static dev.dptrain.model.GradientCheck.objectiveWeights;
import static dev.dptrain.model.GradientCheck.uniform;
import static dev.dptrain.model.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.check.FiniteDifferences.Numeric;
import dev.dptrain.model.GradientCheck.LayerGradients;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.BatchNorm;
import dev.dptrain.model.layers.Dense;
import dev.dptrain.model.layers.Dropout;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
import dev.dptrain.model.layers.Softmax;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Finite-difference checks of every layer's backward: the input gradient it returns and the
 * parameter gradient it adds into {@code pass.grads}, for {@code L = Σ r_i y_i} (see
 * {@link GradientCheck}). Layers are bound at a non-zero parameter offset inside a larger vector,
 * so a layer that ignores its offset or writes outside its slice fails too.
 *
 * <p>Tolerances are on the relative error |a-b|/max(|a|+|b|, floor), with floor 1e-2 (5e-2 for
 * the whole network, whose gradient entries reach ~3). Measured maxima (float32 layers, double
 * objective) are below 3e-4 everywhere (BatchNorm2d dx 2.6e-4, network 2.0e-4, dense 1.5e-4,
 * softmax 1.1e-4, activations at most 6.3e-5), so the bounds leave a margin of 5-10x, while a
 * formula error (a missing term, a wrong sign or factor, overwriting instead of adding) gives
 * errors of order 0.1 to 1. Step sizes: 5e-2 for the layers that are linear in what is perturbed
 * (dense, dropout; no truncation error, less rounding noise), 1e-2 for the smooth nonlinear ones,
 * 5e-3 for the whole network.
 */
class LayerGradientTest {
  /** The layer's slice starts here; the vector has sentinel parameters on both sides. */
  private static final int OFFSET = 3;
  private static final int STATE_OFFSET = 2;

  private static float[] paramsFor(Layer layer, Rng rng) {
    return uniform(rng, OFFSET + layer.paramCount() + 2, -1, 1);
  }

  private static LayerGradients run(Layer layer, float[] params, float[] state, float[] x, int batch,
                                    boolean training, long seed, double h, Rng rng) {
    Pass pass = GradientCheck.pass(params, state, training, seed);
    double[] r = objectiveWeights(rng, batch * layer.outputShape().size());
    return GradientCheck.layerGradients(layer, pass, x, batch, OFFSET, r, h);
  }

  // ---------------------------------------------------------------------------------------------
  // Dense

  private static void checkDense(Shape in, int units, boolean bias, long seed) {
    Rng rng = new Rng(seed);
    Dense layer = new Dense(in, units, bias, Init.HE_NORMAL);
    layer.bind(OFFSET, 0, 0);
    assertEquals(units * in.size() + (bias ? units : 0), layer.paramCount());
    int batch = 4;
    float[] params = paramsFor(layer, rng);
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    // Dense is linear in x and in W, b: central differences have no truncation error, so a
    // larger step only reduces the float rounding noise.
    LayerGradients g = run(layer, params, new float[0], x, batch, true, 1, 5e-2, rng);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);
    assertGradientsMatch(layer.describe() + " dW,db", g.analyticParams, g.numericParams, 1e-3, 1e-2);
  }

  @Test
  void denseWithBias() {
    checkDense(Shape.vector(5), 3, true, 11);
  }

  @Test
  void denseWithoutBias() {
    checkDense(Shape.vector(5), 3, false, 12);
  }

  @Test
  void denseOnImageInputIsFlattened() {
    checkDense(Shape.image(2, 2, 3), 4, true, 13);
  }

  // ---------------------------------------------------------------------------------------------
  // Activations

  @ParameterizedTest
  @EnumSource(Activation.Kind.class)
  void activation(Activation.Kind kind) {
    Rng rng = new Rng(100 + kind.ordinal());
    // A non-trivial alpha, so that an alpha dropped or misplaced in backward shows.
    double alpha = kind == Activation.Kind.LEAKY_RELU ? 0.1 : kind == Activation.Kind.ELU ? 0.7 : 0;
    Shape in = Shape.image(2, 2, 2);
    Activation layer = new Activation(in, kind, alpha);
    layer.bind(OFFSET, 0, 1);
    int batch = 5;
    // |x| >= 0.1 >> h: no perturbation crosses the kink of relu, leaky_relu or elu at 0.
    float[] x = awayFromZero(rng, batch * in.size(), 0.1, 2.5);
    LayerGradients g = run(layer, paramsFor(layer, rng), new float[0], x, batch, true, 1, 1e-2, rng);
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 5e-4, 1e-2);
    assertEquals(0, g.analyticParams.length);
  }

  // ---------------------------------------------------------------------------------------------
  // Softmax

  @Test
  void softmax() {
    Rng rng = new Rng(21);
    Shape in = Shape.vector(5);
    Softmax layer = new Softmax(in);
    layer.bind(OFFSET, 0, 0);
    int batch = 4;
    float[] x = uniform(rng, batch * in.size(), -2, 2);
    LayerGradients g = run(layer, paramsFor(layer, rng), new float[0], x, batch, true, 1, 1e-2, rng);
    assertGradientsMatch("softmax dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);
  }

  // ---------------------------------------------------------------------------------------------
  // BatchNorm

  /** Params γ in ±[0.5, 1.5], β in [-0.5, 0.5], laid out at OFFSET. */
  private static float[] batchNormParams(BatchNorm layer, Rng rng) {
    int c = layer.paramCount() / 2;
    float[] params = paramsFor(layer, rng);
    float[] gamma = awayFromZero(rng, c, 0.5, 1.5);
    float[] beta = uniform(rng, c, -0.5, 0.5);
    System.arraycopy(gamma, 0, params, OFFSET, c);
    System.arraycopy(beta, 0, params, OFFSET + c, c);
    return params;
  }

  private static void checkBatchNormTraining(Shape in, int batch, long seed) {
    Rng rng = new Rng(seed);
    BatchNorm layer = new BatchNorm(in, 1e-3, 0.1);
    layer.bind(OFFSET, STATE_OFFSET, 0);
    float[] params = batchNormParams(layer, rng);
    float[] state = uniform(rng, STATE_OFFSET + layer.stateCount() + 1, -1, 1);
    float[] stateBefore = state.clone();
    // Per-channel offsets and scales differ, so every channel has its own statistics.
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    for (int i = 0; i < batch; i++) {
      for (int c = 0; c < in.channels(); c++) {
        for (int s = 0; s < in.spatial(); s++) {
          int k = (i * in.channels() + c) * in.spatial() + s;
          x[k] = x[k] * (1 + c) + 0.3f * c;
        }
      }
    }
    LayerGradients g = run(layer, params, state, x, batch, true, 1, 1e-2, rng);
    assertArrayEquals(stateBefore, state, "the training forward must not touch the running statistics");
    // The input gradient of a normalised channel sums to zero over that channel; entries are
    // compared relative to max(|a|+|b|, 1e-2).
    assertGradientsMatch(layer.describe() + " dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    assertGradientsMatch(layer.describe() + " dγ,dβ", g.analyticParams, g.numericParams, 1e-3, 1e-2);
  }

  @Test
  void batchNormTrainingDense() {
    checkBatchNormTraining(Shape.vector(4), 10, 31);
  }

  @Test
  void batchNormTrainingImage() {
    checkBatchNormTraining(Shape.image(3, 2, 3), 4, 32);
  }

  @Test
  void batchNormTrainingImageBatchOfOne() {
    // BatchNorm2d normalises over height and width too, so a single image is a valid batch.
    checkBatchNormTraining(Shape.image(2, 3, 3), 1, 33);
  }

  /**
   * Inference mode uses the running statistics: y = γ (x - μ) / √(σ² + ε) + β, an affine map.
   * Backward is only defined after a training forward (see {@link Layer}), so the inference path is
   * checked by finite differences of its forward against the closed-form derivatives, and its
   * values against the formula. ε is large enough (0.05 against σ² in [0.2, 1.5]) that dropping
   * it changes the slope by several percent.
   */
  @Test
  void batchNormInference() {
    Rng rng = new Rng(34);
    Shape in = Shape.image(3, 2, 2);
    int channels = in.channels();
    int spatial = in.spatial();
    double eps = 0.05;
    BatchNorm layer = new BatchNorm(in, eps, 0.1);
    layer.bind(OFFSET, STATE_OFFSET, 0);
    float[] params = batchNormParams(layer, rng);
    float[] state = new float[STATE_OFFSET + layer.stateCount() + 1];
    float[] mu = uniform(rng, channels, -0.5, 0.5);
    float[] var = uniform(rng, channels, 0.2, 1.5);
    System.arraycopy(mu, 0, state, STATE_OFFSET, channels);
    System.arraycopy(var, 0, state, STATE_OFFSET + channels, channels);
    int batch = 3;
    float[] x = uniform(rng, batch * in.size(), -2, 2);
    double[] r = objectiveWeights(rng, batch * in.size());
    Pass pass = GradientCheck.pass(params, state, false, 1);

    float[] y = layer.forward(pass, x, batch).clone();
    double[] dx = new double[x.length];
    double[] dParams = new double[2 * channels];
    for (int i = 0; i < batch; i++) {
      for (int c = 0; c < channels; c++) {
        double inv = 1 / Math.sqrt(var[c] + eps);
        double gamma = params[OFFSET + c];
        double beta = params[OFFSET + channels + c];
        for (int s = 0; s < spatial; s++) {
          int k = (i * channels + c) * spatial + s;
          double expected = gamma * (x[k] - mu[c]) * inv + beta;
          assertEquals(expected, y[k], 1e-5 * (1 + Math.abs(expected)), "inference output [" + k + "]");
          dx[k] = r[k] * gamma * inv;
          dParams[c] += r[k] * (x[k] - mu[c]) * inv;
          dParams[channels + c] += r[k];
        }
      }
    }
    DoubleSupplier objective = () -> weightedSum(r, layer.forward(pass, x, batch));
    double evalError = float32Error(r, y);
    Numeric numericX = centralDifferences(x, 0, x.length, 1e-2, evalError, objective);
    Numeric numericP = centralDifferences(params, OFFSET, 2 * channels, 1e-2, evalError, objective);
    assertGradientsMatch("batchnorm inference dy/dx", dx, numericX, 1e-3, 1e-2);
    assertGradientsMatch("batchnorm inference dγ,dβ", dParams, numericP, 1e-3, 1e-2);
  }

  // ---------------------------------------------------------------------------------------------
  // Dropout

  @Test
  void dropoutTrainingWithFixedMask() {
    Rng rng = new Rng(41);
    double rate = 0.5;
    Shape in = Shape.vector(40);
    Dropout layer = new Dropout(in, rate);
    layer.bind(OFFSET, 0, 2);
    int batch = 5;
    int n = batch * in.size();
    float[] x = awayFromZero(rng, n, 0.1, 2);
    double[] r = objectiveWeights(rng, n);
    // The same pass seed for every evaluation: the mask stays fixed while x is perturbed.
    Pass pass = GradientCheck.pass(paramsFor(layer, rng), new float[0], true, 77);
    LayerGradients g = GradientCheck.layerGradients(layer, pass, x, batch, OFFSET, r, 5e-2);
    assertGradientsMatch("dropout dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);

    // Inverted dropout: each output is 0 or x/(1-p), and dL/dx is 0 or r/(1-p) with the same
    // pattern. This also catches a 1/(1-p) missing from forward and backward alike, which a pure
    // forward/backward consistency check cannot see.
    double keepScale = 1 / (1 - rate);
    int kept = 0;
    for (int i = 0; i < n; i++) {
      boolean keptHere = g.output[i] != 0;
      if (keptHere) kept++;
      double expectedOut = keptHere ? x[i] * keepScale : 0;
      double expectedSlope = keptHere ? r[i] * keepScale : 0;
      assertEquals(expectedOut, g.output[i], 1e-6 * Math.abs(x[i]), "dropout output [" + i + "]");
      assertEquals(expectedSlope, g.numericInput.values()[i], 1e-4, "numeric dL/dx [" + i + "]");
      assertEquals(expectedSlope, g.analyticInput[i], 1e-6, "analytic dL/dx [" + i + "]");
    }
    // About (1-p) n kept: within 5 standard deviations of the binomial.
    double sd = Math.sqrt(n * rate * (1 - rate));
    assertTrue(Math.abs(kept - n * (1 - rate)) < 5 * sd, "kept " + kept + " of " + n);

    // A different seed draws a different mask.
    Pass other = GradientCheck.pass(pass.params, new float[0], true, 78);
    float[] y2 = layer.forward(other, x, batch);
    int differs = 0;
    for (int i = 0; i < n; i++) if ((y2[i] != 0) != (g.output[i] != 0)) differs++;
    assertTrue(differs > 0, "seed 78 gave the same mask as seed 77");
  }

  @Test
  void dropoutInferenceAndRateZeroAreIdentity() {
    Rng rng = new Rng(42);
    Shape in = Shape.vector(6);
    int batch = 3;
    float[] x = uniform(rng, batch * in.size(), -1, 1);
    Dropout active = new Dropout(in, 0.5);
    active.bind(OFFSET, 0, 0);
    assertArrayEquals(x, active.forward(GradientCheck.pass(new float[0], new float[0], false, 5), x, batch),
        "inference dropout must be the identity");
    Dropout none = new Dropout(in, 0.0);
    none.bind(OFFSET, 0, 0);
    LayerGradients g = run(none, paramsFor(none, rng), new float[0], x, batch, true, 5, 5e-2, rng);
    assertGradientsMatch("dropout(0) dx", g.analyticInput, g.numericInput, 1e-3, 1e-2);
    for (int i = 0; i < x.length; i++) assertEquals(x[i], g.output[i], "dropout(0) output [" + i + "]");
  }

  // ---------------------------------------------------------------------------------------------
  // Whole network

  /**
   * Network.accumulateGradient against central differences of the loss sum, each evaluated with
   * accumulateGradient on a fresh GradientSum with the same seed (so the same dropout mask and a
   * training-mode BatchNorm).
   */
  @Test
  void networkAccumulateGradientMatchesFiniteDifferences() {
    NetworkSpec spec = NetworkSpec.builder(Shape.vector(5))
        .dense(8).batchNorm().relu().dropout(0.25)
        .dense(4)
        .loss("softmax_cross_entropy").build();
    Network net = Network.build(spec);
    Rng rng = new Rng(51);
    float[] params = net.initParams(7);
    // Move away from the initial γ = 1, β = 0, b = 0 so that every term matters.
    float[] noise = uniform(rng, params.length, -0.3, 0.3);
    for (int i = 0; i < params.length; i++) params[i] += noise[i];
    float[] state = net.initState();
    int batch = 6;
    float[] x = uniform(rng, batch * net.inputSize(), -1, 1);
    float[] labels = new float[batch];
    for (int i = 0; i < batch; i++) labels[i] = rng.nextInt(net.outputSize());
    long seed = 1234;

    // Analytic: accumulated into a pre-filled sum, which must be added to.
    GradientSum acc = new GradientSum();
    float[] prefill = uniform(rng, params.length, -1, 1);
    acc.grad = prefill.clone();
    acc.lossSum = 10;
    net.accumulateGradient(params, state, x, labels, batch, seed, acc);
    assertEquals(batch, acc.count);
    double[] analytic = new double[params.length];
    for (int i = 0; i < params.length; i++) analytic[i] = (double) acc.grad[i] - prefill[i];

    DoubleSupplier lossSum = () -> {
      GradientSum fresh = new GradientSum();
      net.accumulateGradient(params, state, x, labels, batch, seed, fresh);
      return fresh.lossSum;
    };
    double base = lossSum.getAsDouble();
    assertEquals(base, acc.lossSum - 10, 1e-9 * base, "lossSum must be added to the pre-filled sum");
    assertEquals(base, lossSum.getAsDouble(), "same seed, same loss (fixed dropout mask)");
    GradientSum otherSeed = new GradientSum();
    net.accumulateGradient(params, state, x, labels, batch, seed + 1, otherSeed);
    assertNotEquals(base, otherSeed.lossSum, "the dropout mask should depend on the seed");

    // Guard: no perturbation may move a pre-ReLU value across 0, or the finite difference would
    // straddle the kink. Pre-ReLU values come from the network's own first two layers.
    List<Layer> layers = net.layers();
    boolean[] baseSigns = preReluSigns(layers, params, x, batch);
    double h = 5e-3;
    // Each example's loss comes from float32 logits: about one float32 unit roundoff of its size.
    Numeric numeric = centralDifferences(params, 0, params.length, h, lossSumError(base), () -> {
      boolean[] signs = preReluSigns(layers, params, x, batch);
      for (int i = 0; i < signs.length; i++) {
        assertEquals(baseSigns[i], signs[i], "a perturbation crossed the ReLU kink at " + i);
      }
      return lossSum.getAsDouble();
    });
    // Gradient entries are up to ~3 here; the loss sum (~9) is computed from float32 logits, so
    // the central differences carry ~1e-5 absolute noise (see the bias of the first dense layer,
    // whose true gradient is exactly 0 because BatchNorm removes the mean). Hence the 5e-2 floor.
    assertGradientsMatch("network dparams", analytic, numeric, 2e-3, 5e-2);
  }

  private static boolean[] preReluSigns(List<Layer> layers, float[] params, float[] x, int batch) {
    Pass p = GradientCheck.pass(params, null, true, 0);
    float[] z = layers.get(1).forward(p, layers.get(0).forward(p, x, batch), batch);
    int n = batch * layers.get(1).outputShape().size();
    boolean[] s = new boolean[n];
    for (int i = 0; i < n; i++) s[i] = z[i] > 0;
    return s;
  }
}
