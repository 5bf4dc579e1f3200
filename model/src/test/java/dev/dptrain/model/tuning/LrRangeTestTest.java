package dev.dptrain.model.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingState;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LrRangeTestTest {
  /** Five classes from a nonlinear rule of standardised Gaussian inputs. */
  static Dataset data(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[8 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 8; k++) x[8 * i + k] = (float) r.nextGaussian();
      y[i] = Math.floorMod((int) Math.floor(2 * x[8 * i] + x[8 * i + 1] * x[8 * i + 2]), 5);
    }
    return new Dataset(Shape.vector(8), 1, x, y);
  }

  static NetworkSpec net() {
    return NetworkSpec.builder(Shape.vector(8)).dense(32).relu().dense(5).loss("softmax_cross_entropy").build();
  }

  private static final Dataset TRAIN = data(1024, 1);
  private static final TrainSpec BASE = TrainSpec.sgdMomentum(0.01).withBatch(32);

  private static LrRangeTest.Result find() {
    LrRangeTest test = new LrRangeTest(1e-5, 10, 200);
    try {
      new LocalTrainer(net(), test.spec(BASE)).fit(TRAIN, null, test);
    } catch (ArithmeticException e) {
      test.diverged(e);
    }
    return test.result();
  }

  /** The suggestion against a sweep of constant learning rates a factor √2 apart, each trained for 2 epochs. */
  @Test
  void suggestionIsWithin3xOfTheBestOfASweep() {
    LrRangeTest.Result r = find();
    assertTrue(r.stopReason().contains("smoothed") || r.stopReason().contains("non-finite"), r.describe());
    double bestLr = Double.NaN;
    double bestLoss = Double.POSITIVE_INFINITY;
    StringBuilder sweep = new StringBuilder();
    for (int k = 0; k <= 16; k++) {
      double lr = 1e-3 * Math.pow(2, k / 2.0);
      double loss;
      try {
        LocalTrainer t = new LocalTrainer(net(), BASE.withSchedule(dev.dptrain.model.optim.LrSchedule.constant(lr)).withEpochs(2));
        TrainingState s = t.fit(TRAIN, null, null);
        loss = LocalTrainer.evaluate(t.network(), s, TRAIN, 1024).meanLoss();
      } catch (ArithmeticException e) {
        loss = Double.POSITIVE_INFINITY;
      }
      sweep.append(String.format(Locale.ROOT, " %.3g:%.4f", lr, loss));
      if (loss < bestLoss) {
        bestLoss = loss;
        bestLr = lr;
      }
    }
    String why = r.describe() + "; sweep" + sweep + "; best " + bestLr;

    assertTrue(Math.abs(Math.log(r.suggestedLr() / bestLr)) <= Math.log(3), why);
  }

  @Test
  void scheduleGrowsExponentiallyFromMinToMax() {
    LrRangeTest test = new LrRangeTest(1e-4, 1, 5);
    var s = test.spec(BASE).schedule();
    for (int t = 0; t < 5; t++) assertEquals(1e-4 * Math.pow(10, t), s.lr(t), 1e-12 * Math.pow(10, t));
  }
}
