package dev.dptrain.model;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.objectiveWeights;
import static dev.dptrain.model.GradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientCheck.LayerGradients;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
import dev.dptrain.model.layers.ResidualBlock;
import dev.dptrain.model.layers.StochasticPool2D;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Residual blocks (gradient checks with identity and projection shortcuts, inner BatchNorm
 * statistics visible to the trainer) and stochastic pooling (gradient with a fixed sample, the
 * inference formula, the sampling distribution).
 */
class ResidualAndStochasticPoolTest {
  private static final int OFFSET = 4;
  private static final LayerSpec TANH = new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0);

  private static LayerSpec conv(int filters, int stride) {
    return new LayerSpec.Conv2DSpec(filters, 3, 3, stride, 1, true, Init.HE_NORMAL);
  }

  private static LayerSpec bn() {
    return new LayerSpec.BatchNormSpec(NetworkSpec.BN_EPS, NetworkSpec.BN_MOMENTUM);
  }

  /** Gradient check of a whole block in training mode (BN on batch statistics); tanh keeps it smooth. */
  private static void checkBlock(ResidualBlock block, int batch, long seed) {
    block.bind(OFFSET, 0, 2);
    Rng rng = new Rng(seed);
    float[] params = uniform(rng, OFFSET + block.paramCount() + 2, -0.5, 0.5);
    // BN scales γ in [0.5, 1.5], as trained networks have them: with γ near 0 the next BN divides
    // by a tiny batch variance and the objective becomes too curved for a 1e-2 difference step.
    int at = OFFSET;
    for (Layer child : block.children()) {
      if (child instanceof dev.dptrain.model.layers.BatchNorm) {
        for (int c = 0; c < child.paramCount() / 2; c++) params[at + c] = 1f + params[at + c];
      }
      at += child.paramCount();
    }
    float[] state = new float[block.stateCount()];
    block.initState(state);
    Pass pass = GradientCheck.pass(params, state, true, 5);
    float[] x = uniform(rng, batch * block.inputShape().size(), -1, 1);
    double[] r = objectiveWeights(rng, batch * block.outputShape().size());
    LayerGradients g = GradientCheck.layerGradients(block, pass, x, batch, OFFSET, r, 1e-2);
    assertGradientsMatch(block.describe() + " dx", g.analyticInput, g.numericInput, 5e-3, 1e-2);
    assertGradientsMatch(block.describe() + " dparams", g.analyticParams, g.numericParams, 5e-3, 1e-2);
  }

  @Test
  void identityBlockGradient() {
    Layer l = new LayerSpec.ResidualSpec(List.of(conv(3, 1), bn(), TANH, conv(3, 1), bn()), true)
        .create(Shape.image(3, 4, 4));
    ResidualBlock block = (ResidualBlock) l;
    assertEquals(block.inputShape(), block.outputShape());
    assertEquals(2 * (3 * 27 + 3) + 2 * 6, block.paramCount(), "no projection parameters for the identity");
    checkBlock(block, 3, 401);
  }

  @Test
  void projectionBlockGradient() {
    Layer l = new LayerSpec.ResidualSpec(List.of(conv(4, 2), bn(), TANH, conv(4, 1), bn()), true)
        .create(Shape.image(2, 6, 6));
    assertEquals(Shape.image(4, 3, 3), l.outputShape());
    int branch = (4 * 18 + 4) + 8 + (4 * 36 + 4) + 8;
    int projection = 4 * 2 + 8; // 1x1 conv without bias, then BN
    assertEquals(branch + projection, l.paramCount());
    checkBlock((ResidualBlock) l, 3, 402);
  }

  @Test
  void residualInnerBatchNormStatisticsArePooledAndUpdated() {
    NetworkSpec spec = NetworkSpec.builder(Shape.image(1, 6, 6))
        .conv2d(2, 3, 1, 1)
        .residual(conv(2, 1), bn(), TANH, conv(2, 1), bn())
        .residual(conv(3, 2), bn())
        .globalAvgPool().dense(2).build();
    Network net = Network.build(spec);
    // Blocks: 2 + 2 channels in the first residual, 3 (branch) + 3 (projection BN) in the second.
    double[] empty = net.emptyStats();
    assertEquals(4 * 2 + 2 * (2 + 2 + 3 + 3), empty.length, "one statistics block per inner BatchNorm");
    assertEquals(2 * (2 + 2 + 3 + 3), net.stateCount(), "running mean and variance per inner BN channel");
    Rng rng = new Rng(403);
    int n = 40;
    float[] x = uniform(rng, n * 36, -1, 1);
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = i % 2;
    Dataset data = new Dataset(Shape.image(1, 6, 6), 1, x, y);
    TrainingState s = new LocalTrainer(spec, TrainSpec.sgdMomentum(0.05).withBatch(20).withEpochs(1), 2)
        .fit(data, null, new TrainingLoop.Listener() {});
    float[] initial = net.initState();
    assertEquals(initial.length, s.normState.length);
    for (int i = 0; i < initial.length; i++) {
      assertNotEquals(initial[i], s.normState[i], "running statistic " + i + " never updated");
    }
  }

  @Test
  void residualShapeErrorNamesTheShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LayerSpec.ResidualSpec(List.of(new LayerSpec.Conv2DSpec(4, 3, 3, 1, 0, true, Init.HE_NORMAL)), true)
            .create(Shape.image(2, 6, 6)));
    assertTrue(e.getMessage().contains("[2x6x6]") && e.getMessage().contains("[4x4x4]"), e.getMessage());
  }

  // ---------------------------------------------------------------------------------------------
  // Stochastic pooling

  @Test
  void stochasticPoolGradientWithAFixedSample() {
    StochasticPool2D pool = new StochasticPool2D(Shape.image(2, 4, 4), 2, 2);
    pool.bind(0, 0, 3);
    int batch = 3;
    // Positive activations (as after a ReLU), well separated so a ±1e-2 step keeps each sample.
    float[] x = uniform(new Rng(404), batch * 32, 0.2, 2.0);
    Pass pass = GradientCheck.pass(new float[0], new float[0], true, 77);
    double[] r = objectiveWeights(new Rng(405), batch * pool.outputShape().size());
    LayerGradients g = GradientCheck.layerGradients(pool, pass, x, batch, 0, r, 1e-3);
    assertGradientsMatch("stochastic pool dx", g.analyticInput, g.numericInput, 2e-3, 1e-2);
    // Exactly one sampled input per window, and it is one of the window's values.
    long nonZero = java.util.Arrays.stream(g.analyticInput).filter(d -> d != 0).count();
    assertEquals(batch * pool.outputShape().size(), nonZero);
  }

  @Test
  void stochasticPoolIsDeterministicPerSeedAndVariesAcrossSeeds() {
    StochasticPool2D pool = new StochasticPool2D(Shape.image(4, 8, 8), 2, 2);
    pool.bind(0, 0, 3);
    float[] x = uniform(new Rng(406), 2 * 256, 0.1, 1.0);
    float[] a = pool.forward(GradientCheck.pass(new float[0], new float[0], true, 1), x, 2).clone();
    float[] b = pool.forward(GradientCheck.pass(new float[0], new float[0], true, 1), x, 2).clone();
    float[] c = pool.forward(GradientCheck.pass(new float[0], new float[0], true, 2), x, 2).clone();
    assertArrayEquals(a, b);
    assertTrue(!java.util.Arrays.equals(a, c), "another seed should sample other positions");
  }

  @Test
  void stochasticPoolInferenceIsTheProbabilityWeightedAverage() {
    StochasticPool2D pool = new StochasticPool2D(Shape.image(1, 2, 4), 2, 2);
    pool.bind(0, 0, 0);
    // Windows: {1, 2, 3, 4} -> 30/10 = 3; {-1, 0, 2, -5} -> negatives count as 0 -> 4/2 = 2.
    float[] x = {1, 2, -1, 0, 3, 4, 2, -5};
    float[] y = pool.forward(GradientCheck.pass(new float[0], new float[0], false, 0), x, 1);
    assertEquals(3f, y[0], 1e-6);
    assertEquals(2f, y[1], 1e-6);
    float[] zero = pool.forward(GradientCheck.pass(new float[0], new float[0], true, 0), new float[] {0, 0, -1, -2, 0, -1, 0, 0}, 1);
    assertEquals(0f, zero[0]);
    assertEquals(0f, zero[1]);
  }

  /**
   * Sampled positions follow p_i = a_i / Σ a: 40,000 windows of {1, 2, 3, 4} (one batch, one draw
   * each), Pearson's chi-square with 3 degrees of freedom against the critical value 21.1 (a false
   * alarm with probability 1e-4; the seed is fixed, so the outcome is reproducible). A sampler that
   * picked uniformly would give chi-square near 8,000.
   */
  @Test
  void stochasticPoolSamplesInProportionToTheActivations() {
    int windows = 40_000;
    StochasticPool2D pool = new StochasticPool2D(Shape.image(1, 2, 2), 2, 2);
    pool.bind(0, 0, 0);
    float[] x = new float[windows * 4];
    for (int i = 0; i < windows; i++) {
      x[4 * i] = 1;
      x[4 * i + 1] = 2;
      x[4 * i + 2] = 3;
      x[4 * i + 3] = 4;
    }
    float[] y = pool.forward(GradientCheck.pass(new float[0], new float[0], true, 2026), x, windows);
    long[] counts = new long[5];
    for (int i = 0; i < windows; i++) counts[(int) y[i]]++;
    double chi2 = 0;
    for (int v = 1; v <= 4; v++) {
      double expected = windows * v / 10.0;
      chi2 += (counts[v] - expected) * (counts[v] - expected) / expected;
    }
    assertTrue(chi2 < 21.1, "chi-square " + chi2 + " for counts " + java.util.Arrays.toString(counts));
  }
}
