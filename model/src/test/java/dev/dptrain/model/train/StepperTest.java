package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Sgd;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Stepper.apply. With plain SGD, p_new = p - η g, so the final gradient the optimiser saw is
 * (p - p_new)/η and can be compared with what the averaging, regularisation and clipping should
 * produce; with Adam, the first moment after one step is (1-β1) g.
 */
class StepperTest {
  /** dense(2 -> 2) with bias: 6 parameters. */
  private static final Network NET = Network.build(NetworkSpec.builder(Shape.vector(2)).dense(2).loss("mse").build());
  private static final double[] W = {1, -2, 0.5, 3, 0, -1};
  private static final double LR = 0.5;

  private static TrainSpec sgd() {
    return TrainSpec.sgdMomentum(LR).withOptimizer(new Sgd(0, false));
  }

  private static TrainingState state(TrainSpec spec) {
    float[] p = new float[W.length];
    for (int i = 0; i < W.length; i++) p[i] = (float) W[i];
    return new TrainingState(p, new float[spec.optimizer().stateSize(p.length)], NET.initState(), spec.seed());
  }

  private static GradientSum sum(double[] grad, long count) {
    GradientSum s = new GradientSum();
    s.grad = new float[grad.length];
    for (int i = 0; i < grad.length; i++) s.grad[i] = (float) grad[i];
    s.count = count;
    s.lossSum = 2.0 * count;
    s.correct = 0;
    return s;
  }

  /** The gradient the SGD step applied, recovered from the parameter change. */
  private static double[] appliedGradient(TrainingState st) {
    double[] g = new double[W.length];
    for (int i = 0; i < W.length; i++) g[i] = (W[i] - st.params[i]) / LR;
    return g;
  }

  private static void assertClose(double[] expected, double[] actual, double tol) {
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], actual[i], tol, "element " + i);
  }

  private static double norm(double[] g) {
    double s = 0;
    for (double v : g) s += v * v;
    return Math.sqrt(s);
  }

  @Test
  void averagesTheSumByTheExampleCount() {
    TrainSpec spec = sgd();
    TrainingState st = state(spec);
    Stepper.StepInfo info = new Stepper(NET, spec, 10).apply(st, sum(new double[] {4, 8, -4, 0, 2, 6}, 4));
    assertClose(new double[] {1, 2, -1, 0, 0.5, 1.5}, appliedGradient(st), 1e-6);
    assertEquals(0, info.step());
    assertEquals(LR, info.lr(), 0);
    assertEquals(2.0, info.loss(), 1e-12, "loss = lossSum / count");
    assertEquals(4, info.examples());
    assertEquals(Math.sqrt(1 + 4 + 1 + 0.25 + 2.25), info.gradNorm(), 1e-6);
    assertEquals(1, st.step);
    assertEquals(1, st.stepInEpoch);
  }

  @Test
  void l2WeightDecayIsAddedToTheGradient() {
    TrainSpec spec = sgd().withRegularisation(0.1, 0, 0);
    TrainingState st = state(spec);
    double[] raw = {4, 8, -4, 0, 2, 6};
    new Stepper(NET, spec, 10).apply(st, sum(raw, 4));
    double[] expected = new double[W.length];
    for (int i = 0; i < W.length; i++) expected[i] = raw[i] / 4 + 0.1 * W[i];
    assertClose(expected, appliedGradient(st), 1e-6);
    // Equivalently w ← (1 - ηλ) w - η ∇J.
    assertEquals((1 - LR * 0.1) * 3 - LR * 0, st.params[3], 1e-6);
  }

  @Test
  void l1AddsTheSignOfTheWeights() {
    TrainSpec spec = sgd().withRegularisation(0, 0.01, 0);
    TrainingState st = state(spec);
    double[] raw = {4, 8, -4, 0, 2, 6};
    new Stepper(NET, spec, 10).apply(st, sum(raw, 4));
    // sign(w) = (1, -1, 1, 1, 0, -1)
    double[] sign = {1, -1, 1, 1, 0, -1};
    double[] expected = new double[W.length];
    for (int i = 0; i < W.length; i++) expected[i] = raw[i] / 4 + 0.01 * sign[i];
    assertClose(expected, appliedGradient(st), 1e-6);
  }

  @Test
  void l2IsAddedForAdamButNotForAdamW() {
    double[] raw = {4, 8, -4, 0, 2, 6};
    double b1 = 0.9;
    // Adam (no decoupled decay): the gradient fed to the optimiser includes λw.
    TrainSpec adam = TrainSpec.sgdMomentum(0.01).withOptimizer(new Adam(b1, 0.999, 1e-8, 0)).withRegularisation(0.1, 0, 0);
    TrainingState sa = state(adam);
    new Stepper(NET, adam, 10).apply(sa, sum(raw, 4));
    for (int i = 0; i < W.length; i++) {
      // After one step the first moment is (1 - β1) g.
      assertEquals(raw[i] / 4 + 0.1 * W[i], sa.optimizerState[i] / (1 - b1), 1e-5, "adam gradient " + i);
    }
    // AdamW: the spec's weight decay is NOT added to the gradient...
    TrainSpec adamw = TrainSpec.sgdMomentum(0.01).withOptimizer(new Adam(b1, 0.999, 1e-8, 0.05)).withRegularisation(0.1, 0, 0);
    TrainingState sw = state(adamw);
    new Stepper(NET, adamw, 10).apply(sw, sum(raw, 4));
    for (int i = 0; i < W.length; i++) {
      assertEquals(raw[i] / 4, sw.optimizerState[i] / (1 - b1), 1e-5, "adamw gradient " + i);
      // ...the decay is decoupled: first step p (1 - ηλ) - η g/(|g| + ε).
      double g = raw[i] / 4;
      double expected = W[i] * (1 - 0.01 * 0.05) - (g == 0 ? 0 : 0.01 * Math.signum(g));
      assertEquals(expected, sw.params[i], 1e-6, "adamw parameter " + i);
    }
    // ...and the result does not depend on the spec's L2 coefficient.
    TrainSpec adamwNoL2 = adamw.withRegularisation(0, 0, 0);
    TrainingState sn = state(adamwNoL2);
    new Stepper(NET, adamwNoL2, 10).apply(sn, sum(raw, 4));
    assertArrayEquals(sn.params, sw.params, 0f);
  }

  @Test
  void clippingScalesToTheClipNormWhenLarger() {
    TrainSpec spec = sgd().withRegularisation(0, 0, 1.0);
    TrainingState st = state(spec);
    // Averaged gradient (3, 4, 0, 0, 0, 0): norm 5.
    Stepper.StepInfo info = new Stepper(NET, spec, 10).apply(st, sum(new double[] {6, 8, 0, 0, 0, 0}, 2));
    double[] g = appliedGradient(st);
    assertClose(new double[] {0.6, 0.8, 0, 0, 0, 0}, g, 1e-6);
    assertEquals(1.0, norm(g), 1e-6);
    assertEquals(5.0, info.gradNorm(), 1e-6, "reported norm is before clipping");
  }

  @Test
  void clippingLeavesSmallerGradientsAlone() {
    TrainSpec spec = sgd().withRegularisation(0, 0, 10.0);
    TrainingState st = state(spec);
    new Stepper(NET, spec, 10).apply(st, sum(new double[] {6, 8, 0, 0, 0, 0}, 2));
    assertClose(new double[] {3, 4, 0, 0, 0, 0}, appliedGradient(st), 1e-6);
  }

  @Test
  void clippingAppliesToTheRegularisedGradient() {
    TrainSpec spec = sgd().withRegularisation(0.5, 0, 1.0);
    TrainingState st = state(spec);
    double[] raw = {1, -3, 2, 0.5, 0, 4};
    new Stepper(NET, spec, 10).apply(st, sum(raw, 1));
    double[] full = new double[W.length];
    for (int i = 0; i < W.length; i++) full[i] = raw[i] + 0.5 * W[i];
    double n = norm(full);
    assertTrue(n > 1);
    double[] expected = new double[W.length];
    for (int i = 0; i < W.length; i++) expected[i] = full[i] / n;
    double[] g = appliedGradient(st);
    assertClose(expected, g, 1e-6);
    assertEquals(1.0, norm(g), 1e-6);
  }

  @Test
  void nonFiniteGradientIsAnError() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      TrainSpec spec = sgd().withRegularisation(0, 0, 1.0);
      TrainingState st = state(spec);
      float[] before = st.params.clone();
      ArithmeticException e = assertThrows(ArithmeticException.class,
          () -> new Stepper(NET, spec, 10).apply(st, sum(new double[] {1, bad, 0, 0, 0, 0}, 2)));
      assertTrue(e.getMessage().contains("step 0"), e.getMessage());
      assertArrayEquals(before, st.params, 0f, "parameters must not be touched");
      assertEquals(0, st.step, "the step must not advance");
    }
    // A finite float gradient whose square overflows float is still finite in double.
    TrainSpec spec = sgd();
    TrainingState st = state(spec);
    new Stepper(NET, spec, 10).apply(st, sum(new double[] {1e30, 0, 0, 0, 0, 0}, 1));
    assertTrue(Float.isFinite(st.params[0]));
  }

  @Test
  void emptyStepIsRefused() {
    TrainSpec spec = sgd();
    assertThrows(IllegalArgumentException.class, () -> new Stepper(NET, spec, 10).apply(state(spec), sum(new double[6], 0)));
  }

  @Test
  void scheduleIsEvaluatedAtTheStepAndOptimiserTimeIsStepPlusOne() {
    TrainSpec spec = sgd().withSchedule(new LrSchedule(LrSchedule.Kind.STEP, 0.5, 2, 0.1, 0, 0, 0));
    TrainingState st = state(spec);
    Stepper stepper = new Stepper(NET, spec, 10);
    double[] lrs = new double[4];
    for (int k = 0; k < 4; k++) lrs[k] = stepper.apply(st, sum(new double[6], 1)).lr();
    assertArrayEquals(new double[] {0.5, 0.5, 0.05, 0.05}, lrs, 1e-15);
    assertEquals(4, st.step);
    // Cosine without an explicit length uses the run length given to the stepper.
    TrainSpec cos = sgd().withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, 1.0, 0, 1, 0, 0, 0));
    TrainingState sc = state(cos);
    sc.step = 5;
    assertEquals(0.5, new Stepper(NET, cos, 10).apply(sc, sum(new double[6], 1)).lr(), 1e-12);
  }

  @Test
  void runningStatsAreUpdatedFromThePooledStatistics() {
    // bn(2) -> dense(1); two "partitions" of a batch, pooled by GradientSum.merge.
    Network net = Network.build(NetworkSpec.builder(Shape.vector(2)).batchNorm().dense(1).loss("mse").build());
    TrainSpec spec = TrainSpec.sgdMomentum(0.01).withOptimizer(new Sgd(0, false));
    Stepper stepper = new Stepper(net, spec, 10);
    TrainingState st = stepper.initialState();
    assertArrayEquals(new float[] {0, 0, 1, 1}, st.normState);
    Random r = new Random(3);
    int na = 7;
    int nb = 13;
    float[] x = new float[(na + nb) * 2];
    for (int i = 0; i < na + nb; i++) {
      x[2 * i] = (float) (4 + 2 * r.nextGaussian());
      x[2 * i + 1] = (float) (-1 + 0.5 * r.nextGaussian());
    }
    GradientSum a = new GradientSum();
    GradientSum b = new GradientSum();
    net.accumulateGradient(st.params, st.normState, java.util.Arrays.copyOf(x, 2 * na), new float[na], na, 1, a);
    net.accumulateGradient(st.params, st.normState, java.util.Arrays.copyOfRange(x, 2 * na, x.length), new float[nb], nb, 2, b);
    stepper.apply(st, a.merge(b));
    int n = na + nb;
    for (int c = 0; c < 2; c++) {
      double mean = 0;
      for (int i = 0; i < n; i++) mean += x[2 * i + c];
      mean /= n;
      double m2 = 0;
      for (int i = 0; i < n; i++) m2 += (x[2 * i + c] - mean) * (x[2 * i + c] - mean);
      assertEquals(0.1 * mean, st.normState[c], 1e-5, "running mean " + c);
      assertEquals(0.9 + 0.1 * m2 / (n - 1), st.normState[2 + c], 1e-5, "running variance " + c);
    }
    // A hand-made pooled block: mean (1, -1), M2 (3, 6) over 4 examples -> unbiased var (1, 2).
    TrainingState s2 = stepper.initialState();
    GradientSum g = sum(new double[net.paramCount()], 4);
    g.normStats = new double[] {2, 4, 1, -1, 3, 6};
    stepper.apply(s2, g);
    assertArrayEquals(new float[] {0.1f, -0.1f, 1.0f, 1.1f}, s2.normState, 1e-6f);
  }

  /** The eight-way partial sums give Σg² of every length, tails included, to double rounding. */
  @Test
  void sumOfSquaresMatchesTheDefinition() {
    java.util.Random rnd = new java.util.Random(3);
    for (int n = 0; n <= 40; n++) {
      float[] g = new float[n];
      double exact = 0;
      for (int i = 0; i < n; i++) {
        g[i] = (float) rnd.nextGaussian() * (i % 5 == 0 ? 1e3f : 1f);
        exact += (double) g[i] * g[i];
      }
      assertEquals(exact, Stepper.sumOfSquares(g), 1e-12 * Math.max(1, exact), "n = " + n);
    }
  }
}
