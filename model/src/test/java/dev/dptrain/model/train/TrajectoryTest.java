package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Sgd;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Several steps of the local trainer against a trajectory computed here in double, by hand:
 * linear regression (dense(1), squared error ½(h - y)²), full-batch, SGD with momentum 0.9
 * (v ← 0.9v + g, p ← p - ηv) and a cosine schedule over the whole run. A trainer that kept the
 * previous step's gradient, or ran the schedule over another length, leaves this trajectory
 * after its first step.
 *
 * <p>The tolerance is a float32 error bound propagated along the trajectory (u = 2^-24 per
 * rounding): with E the bound on the parameters' error and V on the velocity's, per step
 * <ul>
 *   <li>h_i = w·x_i + b: E(‖x_i‖₁ + 1) + 4u(Σ|w_j x_ij| + |b|) (dot product of 3 terms plus the bias);
 *       d_i = h_i - y_i adds u|d_i|;</li>
 *   <li>gradient sums over N examples: Σ_i dErr_i|x_ij| + N·u·Σ_i|d_i x_ij|, then /N with two
 *       roundings (1/N and the product);</li>
 *   <li>v = μ32·v + g: V ← 0.9V + gErr + 3u(|0.9v| + |g|) (μ rounded to float, product, sum);</li>
 *   <li>p -= η32·v: E ← E + ηV + 2uη|v| + u|p|.</li>
 * </ul>
 * Bounds are doubled at the end for the second-order terms left out.
 */
class TrajectoryTest {
  private static final double U = 0x1p-24;
  private static final int N = 6;
  private static final float[] X = {
      0.5f, -1f, 2f,
      1.5f, 0.25f, -0.5f,
      -1f, 1f, 1f,
      2f, -0.75f, 0.5f,
      0f, 0.5f, -1.5f,
      -0.5f, -1.25f, 0.75f};
  private static final float[] Y = {1f, -0.5f, 2f, 0.25f, -1f, 1.5f};

  private static NetworkSpec linear() {
    return NetworkSpec.builder(Shape.vector(3)).dense(1).loss("mse").build();
  }

  private static double cosineLr(double base, long step, long total) {
    return 0.5 * base * (1 + Math.cos(Math.PI * step / total));
  }

  @Test
  void fullBatchMomentumWithCosineScheduleFollowsTheHandTrajectory() {
    int epochs = 4; // one full-batch step per epoch: 4 steps, shuffling cannot matter
    double base = 0.2;
    TrainSpec spec = TrainSpec.sgdMomentum(base).withOptimizer(new Sgd(0.9, false))
        .withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, base, 0, 1, 0, 0, 0))
        .withBatch(N).withEpochs(epochs).withSeed(7);
    LocalTrainer t = new LocalTrainer(linear(), spec);
    float[] init = t.network().initParams(spec.seed());
    List<Stepper.StepInfo> infos = new ArrayList<>();
    TrainingState st = t.fit(new Dataset(Shape.vector(3), 1, X.clone(), Y.clone()), null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        infos.add(info);
      }
    });
    assertEquals(epochs, infos.size());
    assertEquals(epochs, st.step);

    double[] p = new double[4]; // w0, w1, w2, b (dense layout: weights row-major, then bias)
    for (int j = 0; j < 4; j++) p[j] = init[j];
    double[] v = new double[4];
    double e = 0; // parameter error bound
    double ve = 0; // velocity error bound
    for (int step = 0; step < epochs; step++) {
      double[] g = new double[4];
      double[] gAbs = new double[4];
      double[] gErr = new double[4];
      double loss = 0;
      double lossErr = 0;
      for (int i = 0; i < N; i++) {
        double h = p[3];
        double s = Math.abs(p[3]);
        double l1 = 1;
        for (int j = 0; j < 3; j++) {
          h += p[j] * X[3 * i + j];
          s += Math.abs(p[j] * X[3 * i + j]);
          l1 += Math.abs(X[3 * i + j]);
        }
        double d = h - Y[i];
        double dErr = e * l1 + 4 * U * s + U * Math.abs(d);
        loss += 0.5 * d * d / N;
        lossErr += Math.abs(d) * dErr / N;
        for (int j = 0; j < 4; j++) {
          double xj = j < 3 ? X[3 * i + j] : 1;
          g[j] += d * xj / N;
          gAbs[j] += Math.abs(d * xj) / N;
          gErr[j] += dErr * Math.abs(xj) / N;
        }
      }
      double lr = cosineLr(base, step, epochs);
      Stepper.StepInfo info = infos.get(step);
      assertEquals(step, info.step());
      assertEquals(N, info.examples());
      assertEquals(lr, info.lr(), 4 * Math.ulp(base), "lr at step " + step);
      assertEquals(loss, info.loss(), 2 * lossErr + 1e-300, "loss before step " + step);
      assertTrue(Double.isNaN(info.accuracy()), "no accuracy for regression");
      double gMax = 0;
      double vMax = 0;
      double pMax = 0;
      double gErrMax = 0;
      for (int j = 0; j < 4; j++) {
        gErrMax = Math.max(gErrMax, gErr[j] + N * U * gAbs[j] + 2 * U * Math.abs(g[j]));
        v[j] = 0.9 * v[j] + g[j];
        p[j] -= lr * v[j];
        gMax = Math.max(gMax, Math.abs(g[j]));
        vMax = Math.max(vMax, Math.abs(v[j]));
        pMax = Math.max(pMax, Math.abs(p[j]));
      }
      ve = 0.9 * ve + gErrMax + 3 * U * (vMax + gMax);
      e = e + lr * ve + 2 * U * lr * vMax + U * pMax;
    }
    for (int j = 0; j < 4; j++) {
      assertEquals(p[j], st.params[j], 2 * e, "parameter " + j + " after " + epochs + " steps");
      assertEquals(v[j], st.optimizerState[j], 2 * ve, "velocity " + j + " after " + epochs + " steps");
    }
    // The steps moved the parameters far beyond the tolerance (the comparison is not vacuous).
    double moved = 0;
    for (int j = 0; j < 4; j++) moved = Math.max(moved, Math.abs(p[j] - init[j]));
    assertEquals(true, moved > 1000 * e, "moved " + moved + " vs tolerance " + e);
  }

  @Test
  void cosineScheduleSpansStepsPerEpochTimesEpochs() {
    // 6 examples at batch 3: 2 steps per epoch, 3 epochs, so the cosine runs over 6 steps.
    // Two regression outputs (labels two floats wide).
    double base = 0.1;
    TrainSpec spec = TrainSpec.sgdMomentum(base).withOptimizer(new Sgd(0, false))
        .withSchedule(new LrSchedule(LrSchedule.Kind.COSINE, base, 0, 1, 0, 0.01, 0))
        .withBatch(3).withEpochs(3).withSeed(3);
    float[] y2 = new float[2 * N];
    for (int i = 0; i < N; i++) {
      y2[2 * i] = Y[i];
      y2[2 * i + 1] = -Y[i];
    }
    List<Stepper.StepInfo> infos = new ArrayList<>();
    List<Evaluation> epochs = new ArrayList<>();
    NetworkSpec net = NetworkSpec.builder(Shape.vector(3)).dense(2).loss("mse").build();
    LocalTrainer trainer = new LocalTrainer(net, spec);
    Dataset wide = new Dataset(Shape.vector(3), 2, X.clone(), y2);
    TrainingState st = trainer.fit(wide, null,
        new TrainingLoop.Listener() {
          @Override
          public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
            infos.add(info);
          }

          @Override
          public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
            epochs.add(train);
          }
        });
    assertEquals(6, infos.size());
    for (int s = 0; s < 6; s++) {
      double want = 0.01 + 0.5 * (base - 0.01) * (1 + Math.cos(Math.PI * s / 6));
      assertEquals(want, infos.get(s).lr(), 4 * Math.ulp(base), "lr at step " + s);
      assertEquals(3, infos.get(s).examples());
      assertTrue(Double.isNaN(infos.get(s).accuracy()), "no accuracy for regression");
    }
    checkEpochTotals(infos, epochs, 2);
    // evaluate() with two-wide labels in batches of 4 equals one example at a time.
    Evaluation whole = LocalTrainer.evaluate(trainer.network(), st, wide, 4);
    Evaluation one = new Evaluation();
    for (int i = 0; i < N; i++) {
      trainer.network().evaluate(st.params, st.normState, java.util.Arrays.copyOfRange(X, 3 * i, 3 * i + 3),
          java.util.Arrays.copyOfRange(y2, 2 * i, 2 * i + 2), 1, one);
    }
    assertEquals(N, whole.count);
    assertEquals(one.lossSum, whole.lossSum, 1e-6 * Math.abs(one.lossSum));
    assertTrue(whole.lossSum > 0);
    assertTrue(Double.isNaN(whole.accuracy()));
  }

  /** The epoch's training evaluation is the sum of its steps' losses, counts and correct predictions. */
  private static void checkEpochTotals(List<Stepper.StepInfo> infos, List<Evaluation> epochs, int perEpoch) {
    for (int e = 0; e < epochs.size(); e++) {
      double loss = 0;
      long count = 0;
      double correct = 0;
      for (int k = 0; k < perEpoch; k++) {
        Stepper.StepInfo s = infos.get(e * perEpoch + k);
        loss += s.loss() * s.examples();
        count += s.examples();
        if (!Double.isNaN(s.accuracy())) correct += s.accuracy() * s.examples();
      }
      Evaluation ev = epochs.get(e);
      assertEquals(count, ev.count, "examples of epoch " + e);
      assertEquals(loss, ev.lossSum, 1e-12 * Math.abs(loss), "loss sum of epoch " + e);
      assertEquals(Math.round(correct), ev.correct, "correct predictions of epoch " + e);
    }
  }

  @Test
  void classifierEpochTotalsAndEvaluation() {
    // Softmax classifier on the same inputs (class = label > 0), batch 2: 3 steps per epoch.
    float[] cls = new float[N];
    for (int i = 0; i < N; i++) cls[i] = Y[i] > 0 ? 1 : 0;
    Dataset data = new Dataset(Shape.vector(3), 1, X.clone(), cls);
    NetworkSpec net = NetworkSpec.builder(Shape.vector(3)).dense(2).loss("softmax_cross_entropy").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.5).withBatch(2).withEpochs(2).withSeed(5);
    List<Stepper.StepInfo> infos = new ArrayList<>();
    List<Evaluation> epochs = new ArrayList<>();
    LocalTrainer t = new LocalTrainer(net, spec);
    TrainingState st = t.fit(data, null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        infos.add(info);
      }

      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
        epochs.add(train);
      }
    });
    assertEquals(6, infos.size());
    checkEpochTotals(infos, epochs, 3);
    long correct = 0;
    for (Evaluation e : epochs) correct += e.correct;
    assertTrue(correct > 0, "some training predictions are right");
    // evaluate() in batches of 4 (a full and a partial batch) equals evaluating one example at a time.
    Evaluation whole = LocalTrainer.evaluate(t.network(), st, data, 4);
    Evaluation one = new Evaluation();
    for (int i = 0; i < N; i++) {
      t.network().evaluate(st.params, st.normState, java.util.Arrays.copyOfRange(X, 3 * i, 3 * i + 3),
          new float[] {cls[i]}, 1, one);
    }
    assertEquals(N, whole.count);
    assertEquals(one.correct, whole.correct);
    assertEquals(one.lossSum, whole.lossSum, 1e-6 * Math.abs(one.lossSum));
    assertTrue(whole.lossSum > 0);
  }

  @Test
  void batchesOfOneWithWideLabels() {
    // Batch 1 with two-wide labels: the label buffer holds more floats than the batch has examples.
    float[] y2 = new float[2 * N];
    for (int i = 0; i < 2 * N; i++) y2[i] = i % 3 - 1;
    NetworkSpec net = NetworkSpec.builder(Shape.vector(3)).dense(2).loss("mse").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.01).withBatch(1).withEpochs(1);
    int[] steps = {0};
    new LocalTrainer(net, spec).fit(new Dataset(Shape.vector(3), 2, X.clone(), y2), null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        assertEquals(1, info.examples());
        steps[0]++;
      }
    });
    assertEquals(N, steps[0]);
  }

  @Test
  void ghostPartitionsMustBePositive() {
    TrainSpec spec = TrainSpec.sgdMomentum(0.1);
    assertThrows(IllegalArgumentException.class, () -> new LocalTrainer(linear(), spec, 0));
    assertEquals(4, new LocalTrainer(linear(), spec, 1).network().paramCount());
  }

  @Test
  void stateCopyIsDeep() {
    TrainingState s = new TrainingState(new float[] {1, 2}, new float[] {3}, new float[] {4, 5}, 9);
    s.step = 7;
    s.epoch = 2;
    s.stepInEpoch = 1;
    TrainingState c = s.copy();
    s.params[0] = -1;
    s.optimizerState[0] = -1;
    s.normState[0] = -1;
    assertEquals(1f, c.params[0]);
    assertEquals(3f, c.optimizerState[0]);
    assertEquals(4f, c.normState[0]);
    assertEquals(7, c.step);
    assertEquals(2, c.epoch);
    assertEquals(1, c.stepInEpoch);
    assertEquals(9, c.seed);
  }
}
