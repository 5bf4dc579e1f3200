package dev.dptrain.model.train;

import java.io.Serializable;

/**
 * Everything needed to continue a run exactly: parameters, optimiser state, running statistics
 * and the position in the data. Randomness is derived from (seed, epoch, step), so the position
 * IS the RNG state.
 */
public final class TrainingState implements Serializable {
  private static final long serialVersionUID = 1L;

  public final float[] params;
  public final float[] optimizerState;
  /** Running statistics of normalisation layers. */
  public final float[] normState;
  public final long seed;
  /** Steps completed so far (the optimiser's t is step + 1). */
  public long step;
  /** Current epoch (0-based) and steps already done in it. */
  public int epoch;
  public long stepInEpoch;
  /**
   * Sums over the steps of the current epoch so far (training loss, examples, correct
   * predictions), so that an epoch's training loss covers all its steps across a resume.
   */
  public double epochLossSum;
  public long epochCount;
  public long epochCorrect;
  /** The best epoch so far under {@link EarlyStopping}; null without early stopping or before the first epoch. */
  public Best best;

  /**
   * A copy of the parameters and running statistics at the end of epoch {@code epoch} (0-based),
   * with its early-stopping score (higher is better).
   */
  public record Best(int epoch, double score, float[] params, float[] normState) implements Serializable {}

  public TrainingState(float[] params, float[] optimizerState, float[] normState, long seed) {
    this.params = params;
    this.optimizerState = optimizerState;
    this.normState = normState;
    this.seed = seed;
  }

  public TrainingState copy() {
    TrainingState c = new TrainingState(params.clone(), optimizerState.clone(), normState.clone(), seed);
    c.step = step;
    c.epoch = epoch;
    c.stepInEpoch = stepInEpoch;
    c.epochLossSum = epochLossSum;
    c.epochCount = epochCount;
    c.epochCorrect = epochCorrect;
    c.best = best; // never modified in place: a better epoch replaces it
    return c;
  }

  /** Moves to the start of the next epoch. */
  public void nextEpoch() {
    epoch++;
    stepInEpoch = 0;
    epochLossSum = 0;
    epochCount = 0;
    epochCorrect = 0;
  }
}
