package dev.dptrain.model.train;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.check.LayerHealth;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one training loop, for the single-process and the Spark trainer alike. For every step it
 * makes the step's {@link StepCoordinates}, asks a {@link StepSource} for the summed gradient and
 * applies it with the {@link Stepper}; it keeps the epoch's training loss and accuracy in the
 * {@link TrainingState} (so they survive a checkpoint), and at the end of an epoch validates,
 * checkpoints and reports. Call order of the hooks, per step: {@link Listener#beforeStep},
 * {@link StepSource#step}, {@link Stepper#apply}, {@link Listener#onStep}, checkpoint every
 * {@code checkpointEvery} steps, {@link Listener#stopRequested}; per epoch: {@link StepSource#release}
 * (only when validating or with an epoch-end job), validation, the epoch-end job, checkpoint,
 * {@link Listener#onEpoch}.
 */
public final class TrainingLoop {
  /** Progress callbacks; all default to doing nothing. */
  public interface Listener {
    /**
     * Before each step, with the LIVE state: the step updates it in place, so by the following
     * {@link #onStep} it holds the result (copy {@code state.params} here to compare).
     */
    default void beforeStep(TrainingState state) {}

    /** After each step; {@code wallNanos} is the whole step, {@code computeNanos} the slowest partition's compute. */
    default void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {}

    /** After each epoch: the epoch's training loss/accuracy and the validation's (null without validation). */
    default void onEpoch(int epoch, Evaluation train, Evaluation validation) {}

    /** Per-layer signal health measured at the end of epoch {@code epoch}, before its {@link #onEpoch} (when a trainer measures it). */
    default void onLayerHealth(int epoch, List<LayerHealth> layers) {}

    /** Stop after the current step when this returns true (e.g. a test simulating a crash). */
    default boolean stopRequested(TrainingState state) {
      return false;
    }

    /** Calls each listener in turn; stops when any asks to. */
    static Listener all(Listener... listeners) {
      return new Listener() {
        @Override
        public void beforeStep(TrainingState state) {
          for (Listener l : listeners) l.beforeStep(state);
        }

        @Override
        public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
          for (Listener l : listeners) l.onStep(info, wallNanos, computeNanos);
        }

        @Override
        public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
          for (Listener l : listeners) l.onEpoch(epoch, train, validation);
        }

        @Override
        public void onLayerHealth(int epoch, List<LayerHealth> layers) {
          for (Listener l : listeners) l.onLayerHealth(epoch, layers);
        }

        @Override
        public boolean stopRequested(TrainingState state) {
          boolean stop = false;
          for (Listener l : listeners) stop |= l.stopRequested(state);
          return stop;
        }
      };
    }
  }

  private static final Listener QUIET = new Listener() {};

  private final Stepper stepper;
  private final boolean hasAccuracy;
  private final int epochs;
  private final long seed;
  private final long stepsPerEpoch;
  private Function<TrainingState, Evaluation> validation;
  private Consumer<TrainingState> checkpoint;
  private Consumer<TrainingState> epochEnd;
  private long checkpointEvery;
  private final EarlyStopping earlyStopping;

  public TrainingLoop(Network network, TrainSpec spec, long stepsPerEpoch) {
    this.stepper = new Stepper(network, spec, stepsPerEpoch * spec.epochs());
    this.hasAccuracy = network.loss().hasAccuracy();
    this.epochs = spec.epochs();
    this.seed = spec.seed();
    this.stepsPerEpoch = stepsPerEpoch;
    this.earlyStopping = spec.earlyStopping();
  }

  /** A fresh state (see {@link Stepper#initialState}). */
  public TrainingState initialState() {
    return stepper.initialState();
  }

  /** Validates after every epoch with {@code validate}, after releasing the step source. */
  public TrainingLoop validateWith(Function<TrainingState, Evaluation> validate) {
    this.validation = validate;
    return this;
  }

  /**
   * Runs {@code job} at the end of every epoch, after validation and before the state moves on
   * (the step source released, so the job may use the executors).
   */
  public TrainingLoop atEpochEnd(Consumer<TrainingState> job) {
    this.epochEnd = job;
    return this;
  }

  /** Saves the state every {@code every} steps (0 = only at epoch ends) and at the end of every epoch. */
  public TrainingLoop checkpointWith(Consumer<TrainingState> save, long every) {
    this.checkpoint = save;
    this.checkpointEvery = every;
    return this;
  }

  /**
   * Trains {@code state} in place from where it is to the last epoch, or until early stopping
   * ends it (then, and at the last epoch, the best epoch's parameters are restored), or until a stop
   * request. Returns true when training ended normally (all epochs or early stopping), false on a
   * stop request; either way the source has been released.
   */
  public boolean run(TrainingState state, StepSource source, Listener listener) {
    if (listener == null) listener = QUIET;
    if (earlyStopping != null && validation == null) {
      throw new IllegalArgumentException("train.early-stopping watches the validation metrics: it needs test data");
    }
    while (state.epoch < epochs && !(earlyStopping != null && earlyStopping.exhausted(state))) {
      while (state.stepInEpoch < stepsPerEpoch) {
        listener.beforeStep(state);
        long t0 = System.nanoTime();
        StepCoordinates at = new StepCoordinates(seed, state.epoch, state.step, state.stepInEpoch, stepsPerEpoch);
        GradientSum sum = source.step(at, state.params);
        Stepper.StepInfo info = stepper.apply(state, sum);
        state.epochLossSum += sum.lossSum;
        state.epochCount += sum.count;
        state.epochCorrect += sum.correct;
        listener.onStep(info, System.nanoTime() - t0, sum.computeNanos);
        if (checkpoint != null && checkpointEvery > 0 && state.step % checkpointEvery == 0) {
          checkpoint.accept(state);
        }
        if (listener.stopRequested(state)) {
          source.release();
          return false;
        }
      }
      Evaluation train = new Evaluation();
      train.hasAccuracy = hasAccuracy;
      train.lossSum = state.epochLossSum;
      train.count = state.epochCount;
      train.correct = state.epochCorrect;
      Evaluation val = null;
      if (validation != null || epochEnd != null) source.release(); // they may need the executors
      if (validation != null) {
        val = validation.apply(state);
        if (earlyStopping != null) earlyStopping.record(state.epoch, val, state);
      }
      if (epochEnd != null) epochEnd.accept(state);
      state.nextEpoch();
      if (checkpoint != null) checkpoint.accept(state);
      listener.onEpoch(state.epoch - 1, train, val);
    }
    if (earlyStopping != null && state.best != null) EarlyStopping.restoreBest(state);
    source.release();
    return true;
  }
}
