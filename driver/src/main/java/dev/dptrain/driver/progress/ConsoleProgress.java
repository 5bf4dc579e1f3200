package dev.dptrain.driver.progress;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainingLoop;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress on the console. {@link Mode#BAR}: one live line per epoch, redrawn in place
 * with {@code \r} at most every {@value #REDRAW_NANOS} ns: a bar, step/steps and percentage, the
 * smoothed loss, samples/s and the epoch's ETA. {@link Mode#LINES}: a plain line every
 * {@code logEvery} steps (for log files). {@link Mode#OFF}: no step output. Every mode prints a
 * line per epoch with train and validation loss and accuracy and the elapsed time.
 */
public final class ConsoleProgress implements TrainingLoop.Listener {
  /** {@code output.progress}: AUTO becomes BAR on an interactive terminal and LINES otherwise. */
  public enum Mode {
    AUTO, BAR, LINES, OFF;

    public static Mode parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }

    /** The mode to use for this process's standard output. */
    public Mode resolve(boolean interactive, String term) {
      if (this != AUTO) return this;
      return interactive && term != null && !term.isEmpty() && !term.equals("dumb") ? BAR : LINES;
    }

    /** {@link #resolve} for {@code System.out}: a console and a TERM that can move the cursor. */
    public Mode resolveForStdout() {
      return resolve(System.console() != null, System.getenv("TERM"));
    }
  }

  static final long REDRAW_NANOS = 100_000_000L;
  private static final int BAR_WIDTH = 24;
  /** Weight of the history in the smoothed loss and step time (about the last 10 steps). */
  private static final double SMOOTHING = 0.9;

  private final PrintStream out;
  private final Mode mode;
  private final int logEvery;
  private final long perEpoch;
  private final int epochs;
  private final LongSupplier clock;
  private final long runStart;

  private long epochStart;
  /** Whether a step ended since the epoch began (a flag: a nanosecond clock may read negative). */
  private boolean steppedThisEpoch;
  private long lastStepAt;
  private long lastDrawAt;
  private boolean drawnOnce;
  private int drawnWidth;
  private final Ema loss = new Ema();
  private final Ema secondsPerStep = new Ema();
  private final Ema examplesPerStep = new Ema();
  private long windowStart;
  private long windowSteps;
  private long windowExamples;
  private double windowLoss;

  /**
   * @param mode a resolved mode (not AUTO)
   * @param clock nanosecond clock ({@code System::nanoTime}; tests pass a fake one)
   */
  public ConsoleProgress(PrintStream out, Mode mode, int logEvery, long stepsPerEpoch, int epochs, LongSupplier clock) {
    if (mode == Mode.AUTO) throw new IllegalArgumentException("resolve the progress mode first");
    this.out = out;
    this.mode = mode;
    this.logEvery = logEvery;
    this.perEpoch = stepsPerEpoch;
    this.epochs = epochs;
    this.clock = clock;
    this.runStart = clock.getAsLong();
    this.epochStart = runStart;
    this.windowStart = runStart;
  }

  @Override
  public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
    long now = clock.getAsLong();
    // Between steps counts too (checkpoints); after an epoch's validation the step's own time does.
    double seconds = (steppedThisEpoch ? now - lastStepAt : wallNanos) / 1e9;
    lastStepAt = now;
    steppedThisEpoch = true;
    loss.add(info.loss());
    secondsPerStep.add(seconds);
    examplesPerStep.add(info.examples());
    windowSteps++;
    windowExamples += info.examples();
    windowLoss += info.loss() * info.examples();
    long inEpoch = info.step() % perEpoch + 1;
    int epoch = (int) (info.step() / perEpoch) + 1;
    if (mode == Mode.BAR) {
      if (!drawnOnce || now - lastDrawAt >= REDRAW_NANOS || inEpoch == perEpoch) {
        drawBar(epoch, inEpoch);
        lastDrawAt = now;
        drawnOnce = true;
      }
    } else if (mode == Mode.LINES && (info.step() + 1) % logEvery == 0) {
      double windowSeconds = (now - windowStart) / 1e9;
      double eta = (perEpoch - inEpoch) * windowSeconds / windowSteps;
      out.printf(Locale.ROOT, "step %6d  epoch %d/%d  %5d/%d %3.0f%%  loss %.4f  lr %.4g  |g| %.3f  %,.0f samples/s  ETA %s%n",
          info.step() + 1, epoch, epochs, inEpoch, perEpoch, 100.0 * inEpoch / perEpoch, windowLoss / windowExamples,
          info.lr(), info.gradNorm(), windowExamples / windowSeconds, duration(eta));
      windowStart = now;
      windowSteps = 0;
      windowExamples = 0;
      windowLoss = 0;
    }
  }

  private void drawBar(int epoch, long inEpoch) {
    int filled = (int) (BAR_WIDTH * inEpoch / perEpoch);
    StringBuilder bar = new StringBuilder(BAR_WIDTH);
    for (int i = 0; i < BAR_WIDTH; i++) bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
    double eta = (perEpoch - inEpoch) * secondsPerStep.value();
    String line = String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d %3.0f%%  loss %.4f  %,.0f samples/s  ETA %s",
        epoch, epochs, bar, inEpoch, perEpoch, 100.0 * inEpoch / perEpoch, loss.value(),
        examplesPerStep.value() / secondsPerStep.value(), duration(eta));
    // Pad over the rest of a longer previous line instead of relying on terminal escape codes.
    int pad = Math.max(0, drawnWidth - line.length());
    out.print("\r" + line + " ".repeat(pad));
    out.flush();
    drawnWidth = line.length();
  }

  @Override
  public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
    long now = clock.getAsLong();
    if (mode == Mode.BAR && drawnWidth > 0) {
      out.println();
      drawnWidth = 0;
    }
    out.printf(Locale.ROOT, "epoch %d/%d  train %s%s  (%s, total %s)%n", epoch + 1, epochs, figures(train),
        validation == null ? "" : " | validation " + figures(validation),
        duration((now - epochStart) / 1e9), duration((now - runStart) / 1e9));
    epochStart = now;
    steppedThisEpoch = false;
    windowStart = now;
    windowSteps = 0;
    windowExamples = 0;
    windowLoss = 0;
  }

  /**
   * Loss and accuracy for a classifier; for regression the loss (½ squared error, what the
   * gradient follows) and, where evaluated, the plain MSE, RMSE, MAE and R² in target units.
   */
  static String figures(Evaluation e) {
    if (e.hasAccuracy) return String.format(Locale.ROOT, "loss %.4f acc %.4f", e.meanLoss(), e.accuracy());
    if (!e.hasRegression()) return String.format(Locale.ROOT, "loss(½se) %.4g", e.meanLoss());
    return String.format(Locale.ROOT, "mse %.4g rmse %.4g mae %.4g r2 %.4f", e.mse(), e.rmse(), e.mae(), e.r2());
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on; "?" before there is an estimate. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) return "?";
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  /** Exponential moving average with bias correction, so early values are not pulled to 0. */
  private static final class Ema {
    private double avg;
    private double weight;

    void add(double x) {
      avg = SMOOTHING * avg + (1 - SMOOTHING) * x;
      weight = SMOOTHING * weight + (1 - SMOOTHING);
    }

    double value() {
      return weight == 0 ? Double.NaN : avg / weight;
    }
  }
}
