package dev.dptrain.model.tuning;

import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The learning-rate range test (Smith 2017, "Cyclical learning rates", section 3.3; note 003's
 * "find a learning rate: barely moving = too low, NaN = too high"): train from the initial
 * parameters with a learning rate that grows exponentially from {@code minLr} to {@code maxLr} over
 * {@code steps} steps, record the loss at every step, and stop once it diverges (the smoothed loss
 * above {@value #DIVERGED} times its best, or a non-finite gradient). The run is an ordinary run of
 * the one {@link TrainingLoop} with {@link #spec} as its training settings and this object as its
 * listener, so it is distributed exactly like training.
 *
 * <p>The suggestion is the learning rate where the loss stopped falling: the smoothed loss's
 * minimum, moved back by the smoothing's mean lag β/(1-β) steps (an exponential average with
 * weight β on the history trails the raw loss by that much, so its minimum comes late, at a rate
 * already too high by growth^lag).
 */
public final class LrRangeTest implements TrainingLoop.Listener {
  /** Divergence: smoothed loss above this multiple of the best smoothed loss. */
  public static final double DIVERGED = 4;
  /** Weight β of the history in the smoothed loss (bias-corrected exponential average); its lag is β/(1-β) = 9 steps. */
  static final double SMOOTHING = 0.9;

  private final double minLr;
  private final double maxLr;
  private final int steps;
  private final List<double[]> points = new ArrayList<>(); // {lr, loss, smoothed}
  private double avg;
  private double weight;
  private double best = Double.POSITIVE_INFINITY;
  private String stopReason;

  public LrRangeTest(double minLr, double maxLr, int steps) {
    if (!(minLr > 0) || !(maxLr > minLr)) {
      throw new IllegalArgumentException("lr range needs 0 < min-lr < max-lr, got " + minLr + " .. " + maxLr);
    }
    if (steps < 2) throw new IllegalArgumentException("lr range needs at least 2 steps, got " + steps);
    this.minLr = minLr;
    this.maxLr = maxLr;
    this.steps = steps;
  }

  /**
   * The run's training settings for the range test: {@code base} with the exponential schedule
   * lr(t) = minLr·(maxLr/minLr)^(t/(steps-1)) (a step schedule with step size 1), no early stopping,
   * and enough epochs for {@code steps} steps (every epoch has at least one).
   */
  public TrainSpec spec(TrainSpec base) {
    double growth = Math.pow(maxLr / minLr, 1.0 / (steps - 1));
    return base.withSchedule(new LrSchedule(LrSchedule.Kind.STEP, minLr, 1, growth, 0, 0, 0))
        .withEarlyStopping(null).withEpochs(steps);
  }

  @Override
  public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
    double loss = info.loss();
    if (!Double.isFinite(loss)) {
      points.add(new double[] {info.lr(), loss, Double.NaN});
      stopReason = "the loss became " + loss;
      return;
    }
    avg = SMOOTHING * avg + (1 - SMOOTHING) * loss;
    weight = SMOOTHING * weight + (1 - SMOOTHING);
    double smoothed = avg / weight;
    points.add(new double[] {info.lr(), loss, smoothed});
    best = Math.min(best, smoothed);
    if (smoothed > DIVERGED * best) stopReason = String.format(Locale.ROOT, "the smoothed loss exceeded %.0f× its minimum", DIVERGED);
    else if (points.size() >= steps) stopReason = "reached max-lr";
  }

  @Override
  public boolean stopRequested(TrainingState state) {
    return stopReason != null;
  }

  /** The gradient became non-finite (the {@link Stepper} refuses the step): the run diverged there. */
  public void diverged(ArithmeticException e) {
    stopReason = "the gradient became non-finite";
  }

  /** What the test found: every step's lr, loss and smoothed loss, the suggestion and why it stopped. */
  public record Result(double[] lr, double[] loss, double[] smoothed, double minimumLr, double suggestedLr,
                       String stopReason) implements Serializable {
    public String describe() {
      return String.format(Locale.ROOT, "%d steps from lr %.3g to %.3g (%s); lowest smoothed loss at lr %.3g;"
          + " suggested lr %.3g (where the loss stopped falling)", lr.length, lr.length == 0 ? Double.NaN : lr[0],
          lr.length == 0 ? Double.NaN : lr[lr.length - 1], stopReason, minimumLr, suggestedLr);
    }
  }

  public Result result() {
    int n = points.size();
    double[] lr = new double[n];
    double[] loss = new double[n];
    double[] smoothed = new double[n];
    int argmin = -1;
    for (int i = 0; i < n; i++) {
      lr[i] = points.get(i)[0];
      loss[i] = points.get(i)[1];
      smoothed[i] = points.get(i)[2];
      if (Double.isFinite(smoothed[i]) && (argmin < 0 || smoothed[i] < smoothed[argmin])) argmin = i;
    }
    if (argmin < 0) throw new IllegalStateException("the lr range test diverged at its first step (lr " + minLr
        + "): lower min-lr");
    int lagged = Math.max(0, argmin - (int) Math.round(SMOOTHING / (1 - SMOOTHING)));
    return new Result(lr, loss, smoothed, lr[argmin], lr[lagged],
        stopReason == null ? "ran out of data" : stopReason);
  }
}
