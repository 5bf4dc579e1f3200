package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loop's bookkeeping, seen from a step source that records what it is asked and returns a
 * fixed result: which coordinates each step gets, when checkpoints, validation, releases and the
 * listener's hooks happen, in what order, and what a stop request does. The arithmetic of a step
 * is {@link TrajectoryTest}'s subject.
 */
class TrainingLoopTest {
  private static final int STEPS_PER_EPOCH = 3;
  private static final int EPOCHS = 2;

  /** Records every call as a line in {@code log}; each step sums a loss of 0.5 over 4 examples, 3 correct. */
  private static final class RecordingSource implements StepSource {
    final List<String> log;
    final List<StepCoordinates> coordinates = new ArrayList<>();
    final int paramCount;

    RecordingSource(List<String> log, int paramCount) {
      this.log = log;
      this.paramCount = paramCount;
    }

    @Override
    public GradientSum step(StepCoordinates at, float[] params) {
      log.add("step " + at.step());
      coordinates.add(at);
      GradientSum s = new GradientSum();
      s.grad = new float[paramCount];
      s.lossSum = 0.5;
      s.count = 4;
      s.correct = 3;
      s.computeNanos = 17;
      return s;
    }

    @Override
    public void release() {
      log.add("release");
    }
  }

  /** Logs its hooks; asks to stop once {@code state.step} reaches {@code stopAt} (never when negative). */
  private static final class RecordingListener implements TrainingLoop.Listener {
    final List<String> log;
    final String name;
    final long stopAt;
    final List<long[]> timings = new ArrayList<>();
    final List<Evaluation> trains = new ArrayList<>();

    RecordingListener(List<String> log, String name, long stopAt) {
      this.log = log;
      this.name = name;
      this.stopAt = stopAt;
    }

    @Override
    public void beforeStep(TrainingState state) {
      log.add(name + "before " + state.step);
    }

    @Override
    public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
      log.add(name + "onStep");
      timings.add(new long[] {wallNanos, computeNanos});
    }

    @Override
    public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
      log.add(name + "onEpoch " + epoch + (validation == null ? "" : " validated"));
      trains.add(train);
    }

    @Override
    public boolean stopRequested(TrainingState state) {
      return stopAt >= 0 && state.step >= stopAt;
    }
  }

  private static Network net() {
    return Network.build(NetworkSpec.builder(Shape.vector(2)).dense(2).loss("softmax_cross_entropy").build());
  }

  private static TrainingLoop loop(Network net) {
    return new TrainingLoop(net, TrainSpec.sgdMomentum(0.1).withEpochs(EPOCHS).withSeed(9), STEPS_PER_EPOCH);
  }

  @Test
  void stepsCarryTheirCoordinatesAndHooksRunInTheDocumentedOrder() {
    Network net = net();
    List<String> log = new ArrayList<>();
    RecordingSource source = new RecordingSource(log, net.paramCount());
    TrainingLoop loop = loop(net);
    assertSame(loop, loop.validateWith(s -> {
      log.add("validate " + s.epoch);
      return new Evaluation();
    }));
    assertSame(loop, loop.checkpointWith(s -> log.add("checkpoint " + s.step + " epoch " + s.epoch), 2));
    TrainingState state = loop.initialState();
    long t0 = System.nanoTime();
    RecordingListener listener = new RecordingListener(log, "", -1);
    assertTrue(loop.run(state, source, listener));
    long elapsed = System.nanoTime() - t0;

    assertEquals(List.of(
        "before 0", "step 0", "onStep",
        "before 1", "step 1", "onStep", "checkpoint 2 epoch 0",
        "before 2", "step 2", "onStep",
        "release", "validate 0", "checkpoint 3 epoch 1", "onEpoch 0 validated",
        "before 3", "step 3", "onStep", "checkpoint 4 epoch 1",
        "before 4", "step 4", "onStep",
        "before 5", "step 5", "onStep", "checkpoint 6 epoch 1",
        "release", "validate 1", "checkpoint 6 epoch 2", "onEpoch 1 validated",
        "release"), log);
    for (int k = 0; k < EPOCHS * STEPS_PER_EPOCH; k++) {
      assertEquals(new StepCoordinates(9, k / STEPS_PER_EPOCH, k, k % STEPS_PER_EPOCH, STEPS_PER_EPOCH),
          source.coordinates.get(k));
    }
    assertEquals(EPOCHS, state.epoch);
    assertEquals(EPOCHS * STEPS_PER_EPOCH, state.step);
    // The epoch's sums cover its 3 steps.
    for (Evaluation train : listener.trains) {
      assertEquals(3 * 0.5, train.lossSum);
      assertEquals(3 * 4, train.count);
      assertEquals(3 * 3, train.correct);
      assertTrue(train.hasAccuracy);
    }
    // The step's wall time is measured from its start (so within the run), the compute time is the source's.
    for (long[] t : listener.timings) {
      assertTrue(t[0] >= 0 && t[0] <= elapsed, "wall " + t[0] + " ns outside [0, " + elapsed + "]");
      assertEquals(17, t[1]);
    }
  }

  @Test
  void withoutValidationOrCheckpointsOnlyTheFinalReleaseHappens() {
    Network net = net();
    List<String> log = new ArrayList<>();
    List<Evaluation> validations = new ArrayList<>();
    TrainingLoop loop = loop(net);
    assertTrue(loop.run(loop.initialState(), new RecordingSource(log, net.paramCount()), new TrainingLoop.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
        validations.add(validation);
      }
    }));
    assertEquals(List.of("step 0", "step 1", "step 2", "step 3", "step 4", "step 5", "release"), log);
    assertEquals(2, validations.size());
    validations.forEach(v -> assertNull(v));
  }

  @Test
  void checkpointEveryZeroSavesOnlyAtEpochEnds() {
    Network net = net();
    List<String> log = new ArrayList<>();
    TrainingLoop loop = loop(net).checkpointWith(s -> log.add("checkpoint " + s.step), 0);
    assertTrue(loop.run(loop.initialState(), new RecordingSource(new ArrayList<>(), net.paramCount()), null));
    assertEquals(List.of("checkpoint 3", "checkpoint 6"), log);
  }

  @Test
  void aNullListenerIsQuiet() {
    Network net = net();
    TrainingLoop loop = loop(net);
    TrainingState state = loop.initialState();
    assertTrue(loop.run(state, new RecordingSource(new ArrayList<>(), net.paramCount()), null));
    assertEquals(EPOCHS * STEPS_PER_EPOCH, state.step);
  }

  @Test
  void aStopRequestEndsTheRunAfterThatStepAndReleasesTheSource() {
    Network net = net();
    List<String> log = new ArrayList<>();
    TrainingLoop loop = loop(net);
    TrainingState state = loop.initialState();
    assertFalse(loop.run(state, new RecordingSource(log, net.paramCount()), new RecordingListener(log, "", 2)));
    assertEquals(List.of("before 0", "step 0", "onStep", "before 1", "step 1", "onStep", "release"), log);
    assertEquals(2, state.step);
    assertEquals(0, state.epoch);
    assertEquals(2, state.stepInEpoch);
  }

  @Test
  void allCallsEveryListenerAndStopsWhenAnyAsks() {
    Network net = net();
    List<String> log = new ArrayList<>();
    TrainingLoop loop = loop(net);
    TrainingState state = loop.initialState();
    // b, the second, asks to stop after the fourth step: an epoch end lies before it.
    TrainingLoop.Listener both = TrainingLoop.Listener.all(new RecordingListener(log, "a.", -1),
        new RecordingListener(log, "b.", 4));
    assertFalse(loop.run(state, new RecordingSource(log, net.paramCount()), both));
    assertEquals(List.of(
        "a.before 0", "b.before 0", "step 0", "a.onStep", "b.onStep",
        "a.before 1", "b.before 1", "step 1", "a.onStep", "b.onStep",
        "a.before 2", "b.before 2", "step 2", "a.onStep", "b.onStep", "a.onEpoch 0", "b.onEpoch 0",
        "a.before 3", "b.before 3", "step 3", "a.onStep", "b.onStep", "release"), log);
    assertEquals(4, state.step);

    // and the first asking is enough too
    List<String> log2 = new ArrayList<>();
    TrainingState state2 = loop.initialState();
    assertFalse(loop.run(state2, new RecordingSource(log2, net.paramCount()),
        TrainingLoop.Listener.all(new RecordingListener(log2, "a.", 1), new RecordingListener(log2, "b.", -1))));
    assertEquals(1, state2.step);
  }
}
