package dev.dptrain.model.train;

import dev.dptrain.model.Evaluation;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Early stopping (notes 000/003: "early stopping" as a regulariser): after every epoch the
 * validation metric is compared with the best so far; an epoch counts as better only when it beats
 * the best by more than {@code minDelta}. When {@code patience} epochs in a row were not better,
 * training stops, and at the end of training (stopped or not) the parameters and the running
 * normalisation statistics are put back to those of the best epoch, bit for bit. The best epoch is
 * kept in the {@link TrainingState} ({@link TrainingState.Best}), so a checkpoint carries it and a
 * resumed run stops where an uninterrupted one would.
 *
 * @param metric what "better" means
 * @param patience epochs without improvement before stopping (&ge; 1)
 * @param minDelta smallest improvement that counts, in the metric's units (&ge; 0)
 */
public record EarlyStopping(Metric metric, int patience, double minDelta) implements Serializable {
  /** The validation metric early stopping watches. */
  public enum Metric {
    VALIDATION_LOSS("validation-loss"),
    VALIDATION_ACCURACY("validation-accuracy");

    private final String configName;

    Metric(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }

    /** Higher is better: minus the mean loss, or the accuracy. */
    public double score(Evaluation validation) {
      return this == VALIDATION_LOSS ? -validation.meanLoss() : validation.accuracy();
    }

    /** The score of a metric value (higher is better). */
    public double score(double value) {
      return this == VALIDATION_LOSS ? -value : value;
    }

    /** The metric's value from a {@link #score}. */
    public double value(double score) {
      return this == VALIDATION_LOSS ? -score : score;
    }

    public static Metric parse(String name) {
      for (Metric m : values()) if (m.configName.equals(name)) return m;
      throw new IllegalArgumentException("unknown early-stopping metric '" + name
          + "'; expected validation-loss or validation-accuracy");
    }
  }

  /** The defaults of {@code train.early-stopping} (and of the Spark ML params that stand for it). */
  public static final Metric DEFAULT_METRIC = Metric.VALIDATION_LOSS;
  public static final int DEFAULT_PATIENCE = 3;
  public static final double DEFAULT_MIN_DELTA = 0;

  public EarlyStopping {
    if (metric == null) throw new IllegalArgumentException("early-stopping metric must be set");
    if (patience < 1) throw new IllegalArgumentException("early-stopping patience must be >= 1, got " + patience);
    if (!(minDelta >= 0)) throw new IllegalArgumentException("early-stopping min-delta must be >= 0, got " + minDelta);
  }

  /**
   * Records epoch {@code epoch}'s validation (before the state moves to the next epoch): when it is
   * better than the best by more than minDelta, or the first, it becomes the best.
   */
  public void record(int epoch, Evaluation validation, TrainingState state) {
    double score = metric.score(validation);
    TrainingState.Best best = state.best;
    if (best == null || score > best.score() + minDelta) {
      state.best = new TrainingState.Best(epoch, score, state.params.clone(), state.normState.clone());
    }
  }

  /** Whether the last {@code patience} completed epochs brought no improvement. */
  public boolean exhausted(TrainingState state) {
    return state.best != null && (state.epoch - 1) - state.best.epoch() >= patience;
  }

  /** Puts the best epoch's parameters and running statistics back into the state. */
  public static void restoreBest(TrainingState state) {
    TrainingState.Best best = state.best;
    System.arraycopy(best.params(), 0, state.params, 0, state.params.length);
    System.arraycopy(best.normState(), 0, state.normState, 0, state.normState.length);
  }

  /**
   * The outcome as a saved model's metrics: {@code early-stopping.best-epoch}, the epoch kept, and,
   * when patience ran out, {@code early-stopping.stopped-after-epoch} (both 1-based, as in
   * {@link #describe}); nothing when no epoch was validated.
   */
  public Map<String, Double> outcome(TrainingState state) {
    Map<String, Double> out = new LinkedHashMap<>();
    if (state.best == null) return out;
    out.put("early-stopping.best-epoch", state.best.epoch() + 1.0);
    if (exhausted(state)) out.put("early-stopping.stopped-after-epoch", (double) state.epoch);
    return out;
  }

  /** One line for logs: the best epoch and its metric value. */
  public String describe(TrainingState state) {
    TrainingState.Best b = state.best;
    return b == null ? "early stopping: no epoch validated"
        : String.format(Locale.ROOT, "early stopping: best epoch %d (%s %.6g)%s", b.epoch() + 1, metric.configName,
            metric.value(b.score()), exhausted(state) ? ", stopped after epoch " + state.epoch
                + " (" + patience + " epochs without improvement)" : "");
  }
}
