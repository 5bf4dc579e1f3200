package dev.dptrain.model.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.train.TrainSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each check passes on a sound network and fails on one built to fail it. */
class SanityChecksTest {
  private static final int CLASSES = 5;

  /** Standardised Gaussian input, labels from a random linear map: learnable, C = 5 classes. */
  private static Dataset data(int n) {
    Random r = new Random(3);
    float[] x = new float[8 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 8; k++) x[8 * i + k] = (float) r.nextGaussian();
      y[i] = Math.floorMod((int) Math.floor(2 * x[8 * i] + x[8 * i + 1]), CLASSES);
    }
    return new Dataset(Shape.vector(8), 1, x, y);
  }

  private static NetworkSpec mlp(Init init) {
    return NetworkSpec.builder(Shape.vector(8)).init(init).dense(32).relu().dropout(0.2).dense(CLASSES)
        .loss("softmax_cross_entropy").build();
  }

  private static final TrainSpec ADAM = TrainSpec.defaults().withOptimizer(new Adam(0.9, 0.999, 1e-8, 0))
      .withSchedule(LrSchedule.constant(0.01));

  private static List<SanityChecks.Result> all(NetworkSpec net, TrainSpec spec) {
    return SanityChecks.run(net, spec, data(64), List.of(SanityChecks.Check.values()), 300);
  }

  @Test
  void aSoundNetworkPassesEveryCheck() {
    List<SanityChecks.Result> r = all(mlp(Init.XAVIER_UNIFORM), ADAM);
    assertEquals(4, r.size());
    for (SanityChecks.Result x : r) {
      System.out.println(x.line());
      assertTrue(x.passed(), x.line());
    }
    assertTrue(r.get(0).line().startsWith("PASS initial-loss: initial loss"), r.get(0).line());
    assertTrue(r.get(0).measured().contains("ln 5 = 1.6094"), r.get(0).measured());
    // the judged figure against its threshold, as metrics.jsonl records them
    assertEquals("ln C = ln 5 = 1.6094 ± 0.400", r.get(0).expected());
    assertTrue(Math.abs(r.get(0).value() - Math.log(5)) <= 0.4, r.get(0).line());
    assertTrue(r.get(0).measured().contains(String.format(java.util.Locale.ROOT, "%.4f", r.get(0).value())), r.get(0).line());
    assertTrue(r.get(1).value() > 0 && r.get(1).expected().startsWith("penalty > "), r.get(1).toString());
    assertEquals(0, r.get(2).value(), r.get(2).toString()); // no entry of a sound network disagrees
    assertTrue(r.get(3).value() >= 0 && r.get(3).value() <= 0.05, r.get(3).toString());
    assertEquals("final / initial loss <= 0.05", r.get(3).expected());
  }

  /** N(0, 3²) weights on 8 standardised inputs: logits with a spread of ~30, loss far above ln C. */
  @Test
  void initialLossFailsWithTooLargeInitialWeights() {
    SanityChecks.Result r = SanityChecks.initialLoss(Network.build(mlp(Init.gaussian(3))), 42, data(20));
    assertFalse(r.passed(), r.line());
    assertTrue(r.meaning().contains("too large"), r.line());
    assertTrue(r.value() > Math.log(5) + 0.4, r.line());
  }

  /** Weights of N(0, 1e-12²) and no normalisation: the penalty vanishes below the loss's rounding. */
  @Test
  void regularisationFailsWhenThereAreNoWeightsToPenalise() {
    SanityChecks.Result bad = SanityChecks.regularisation(Network.build(mlp(Init.gaussian(1e-12))),
        ADAM.withRegularisation(1e-4, 0, 0), data(20));
    assertFalse(bad.passed(), bad.line());
    SanityChecks.Result good = SanityChecks.regularisation(Network.build(mlp(Init.XAVIER_UNIFORM)),
        ADAM.withRegularisation(1e-4, 0, 0), data(20));
    assertTrue(good.passed(), good.line());
    assertTrue(good.measured().contains("weight-decay 1.0E-4"), good.line());
  }

  /**
   * A broken layer: the analytic gradient of the second dense layer scaled by 1.5, as a backward
   * that forgets a factor would give; the check names the broken block, and the intact objective passes.
   */
  @Test
  void gradientCheckFailsOnABrokenLayer() {
    Network net = Network.build(mlp(Init.XAVIER_UNIFORM));
    Dataset d = SanityChecks.head(data(20), 4);
    List<int[]> blocks = new ArrayList<>();
    int off = 0;
    for (Layer l : net.layers()) {
      if (l.paramCount() > 0) blocks.add(new int[] {off, l.paramCount()});
      off += l.paramCount();
    }
    int[] broken = blocks.get(1);
    SanityChecks.Objective sound = SanityChecks.objective(net, d, 42);
    SanityChecks.Objective wrong = (p, g) -> {
      if (g == null) return sound.lossSum(p, null);
      float[] own = new float[g.length];
      double loss = sound.lossSum(p, own);
      for (int i = 0; i < g.length; i++) {
        boolean inBroken = i >= broken[0] && i < broken[0] + broken[1];
        g[i] += inBroken ? 1.5f * own[i] : own[i];
      }
      return loss;
    };
    SanityChecks.Result bad = SanityChecks.gradient(blocks, wrong, net.initParams(42), 42);
    assertFalse(bad.passed(), bad.line());
    assertTrue(bad.meaning().contains("block 1"), bad.line());
    assertTrue(bad.value() > 0.05 && bad.value() <= 1, bad.line());
    assertTrue(SanityChecks.gradient(blocks, sound, net.initParams(42), 42).passed());
  }

  @Test
  void tinyOverfitFailsAtLearningRate100() {
    TrainSpec lr100 = TrainSpec.sgdMomentum(100);
    SanityChecks.Result r = SanityChecks.tinyOverfit(mlp(Init.XAVIER_UNIFORM), lr100, data(20), 300);
    assertFalse(r.passed(), r.line());
    assertTrue(r.meaning().contains("learning rate is too high"), r.line());
    assertTrue(Double.isNaN(r.value()) || r.value() > 0.05, r.toString());
  }
}
