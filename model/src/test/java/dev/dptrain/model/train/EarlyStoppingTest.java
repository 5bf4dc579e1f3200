package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  /** Few noisy examples and a wide net: validation loss falls, then rises as the net memorises the noise. */
  private static Dataset noisy(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[4 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = 0; k < 4; k++) {
        x[4 * i + k] = (float) r.nextGaussian();
        s += x[4 * i + k];
      }
      y[i] = (s > 0) ^ (r.nextDouble() < 0.3) ? 1 : 0; // 30% label noise
    }
    return new Dataset(Shape.vector(4), 1, x, y);
  }

  /** BatchNorm included so the restored running statistics matter. */
  private static NetworkSpec net() {
    return NetworkSpec.builder(Shape.vector(4)).dense(64).batchNorm().relu().dense(2)
        .loss("softmax_cross_entropy").build();
  }

  private static TrainSpec spec(int epochs) {
    return TrainSpec.sgdMomentum(0.1).withBatch(16).withEpochs(epochs);
  }

  private static final Dataset TRAIN = noisy(96, 1);
  private static final Dataset VALID = noisy(200, 2);

  @Test
  void stopsAfterPatienceAndRestoresTheBestEpochBitForBit() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Metric.VALIDATION_LOSS, 2, 0);
    List<Double> losses = new ArrayList<>();
    LocalTrainer t = new LocalTrainer(net(), spec(40).withEarlyStopping(es));
    TrainingState stopped = t.fit(TRAIN, VALID, new TrainingLoop.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
        losses.add(validation.meanLoss());
      }
    });
    // The rule, recomputed from the validation losses the listener saw.
    int best = 0;
    for (int e = 1; e < losses.size(); e++) if (losses.get(e) < losses.get(best)) best = e;
    assertTrue(losses.size() < 40, "the noisy problem overfits well before 40 epochs: " + losses);
    assertEquals(best + 2 + 1, losses.size(), "stops 2 epochs after the best: " + losses);
    assertEquals(best, stopped.best.epoch());

    TrainingState reference = new LocalTrainer(net(), spec(best + 1)).fit(TRAIN, VALID, null);
    assertArrayEquals(reference.params, stopped.params, "parameters of the best epoch");
    assertArrayEquals(reference.normState, stopped.normState, "BN running statistics of the best epoch");
    assertEquals(losses.get(best), LocalTrainer.evaluate(t.network(), stopped, VALID, 1000).meanLoss(), 0.0);
  }

  /** min-delta: only improvements larger than it count; with a huge one the first epoch stays the best. */
  @Test
  void minDeltaDecidesWhatCountsAsBetter() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Metric.VALIDATION_ACCURACY, 1, 2.0);
    TrainingState s = new LocalTrainer(net(), spec(10).withEarlyStopping(es)).fit(TRAIN, VALID, null);
    assertEquals(0, s.best.epoch());
    assertEquals(2, s.epoch, "stopped after epoch 2 with patience 1");
    TrainingState reference = new LocalTrainer(net(), spec(1)).fit(TRAIN, VALID, null);
    assertArrayEquals(reference.params, s.params);
    assertEquals(Map.of("early-stopping.best-epoch", 1.0, "early-stopping.stopped-after-epoch", 2.0), es.outcome(s));
  }

  /** A run whose patience never runs out records only its kept epoch; one that validated nothing, nothing. */
  @Test
  void outcomeOfARunThatWasNotCutShort() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Metric.VALIDATION_ACCURACY, 5, 2.0);
    TrainingState s = new LocalTrainer(net(), spec(3).withEarlyStopping(es)).fit(TRAIN, VALID, null);
    assertEquals(3, s.epoch);
    assertEquals(Map.of("early-stopping.best-epoch", 1.0), es.outcome(s));
    assertEquals(Map.of(), es.outcome(new TrainingState(new float[1], new float[0], new float[0], 1)));
  }

  /** A run interrupted after the best epoch and resumed from a copy of its state stops at the same place. */
  @Test
  void resumedRunStopsWhereAnUninterruptedOneDoes() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Metric.VALIDATION_LOSS, 2, 0);
    TrainSpec sp = spec(40).withEarlyStopping(es);
    TrainingState whole = new LocalTrainer(net(), sp).fit(TRAIN, VALID, null);

    LocalTrainer t = new LocalTrainer(net(), sp);
    try (LocalSteps steps = new LocalSteps(t.network(), TRAIN, 1, sp.augment())) {
      long perEpoch = new BatchPlan(steps.partitionSizes(), sp.batchSize(), sp.seed()).stepsPerEpoch();
      TrainingLoop loop = new TrainingLoop(t.network(), sp, perEpoch)
          .validateWith(st -> LocalTrainer.evaluate(t.network(), st, VALID, 1000));
      TrainingState state = loop.initialState();
      long stopAt = (whole.best.epoch() + 1) * perEpoch + 1; // just after the best epoch ended
      assertFalse(loop.run(state, steps, new TrainingLoop.Listener() {
        @Override
        public boolean stopRequested(TrainingState s) {
          return s.step == stopAt;
        }
      }));
      TrainingState resumed = state.copy();
      assertTrue(new TrainingLoop(t.network(), sp, perEpoch)
          .validateWith(st -> LocalTrainer.evaluate(t.network(), st, VALID, 1000)).run(resumed, steps, null));
      assertEquals(whole.epoch, resumed.epoch);
      assertArrayEquals(whole.params, resumed.params);
      assertArrayEquals(whole.normState, resumed.normState);
    }
  }

  @Test
  void needsValidationData() {
    EarlyStopping es = new EarlyStopping(EarlyStopping.Metric.VALIDATION_LOSS, 2, 0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(net(), spec(3).withEarlyStopping(es)).fit(TRAIN, null, null));
    assertTrue(e.getMessage().contains("needs test data"), e.getMessage());
  }
}
