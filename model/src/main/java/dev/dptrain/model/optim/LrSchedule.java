package dev.dptrain.model.optim;

import java.io.Serializable;

/**
 * Learning rate as a function of the step (0-based): a base schedule, optionally preceded by a
 * linear warm-up from base/warmupSteps to the base value (Goyal et al., 2017: with the linear
 * scaling rule, large global batches need a few epochs of warm-up).
 */
public record LrSchedule(Kind kind, double baseLr, long stepSize, double gamma, long totalSteps,
                         double minLr, long warmupSteps) implements Serializable {
  public enum Kind { CONSTANT, STEP, COSINE }

  public LrSchedule {
    if (!(baseLr > 0) || Double.isInfinite(baseLr)) throw new IllegalArgumentException("lr must be positive, got " + baseLr);
    if (kind == Kind.STEP && (stepSize <= 0 || !(gamma > 0))) {
      throw new IllegalArgumentException("step schedule needs step-size > 0 and gamma > 0");
    }
    if (totalSteps < 0) throw new IllegalArgumentException("total steps must be >= 0, got " + totalSteps);
    if (warmupSteps < 0) throw new IllegalArgumentException("warmup steps must be >= 0, got " + warmupSteps);
  }

  public static LrSchedule constant(double lr) {
    return new LrSchedule(Kind.CONSTANT, lr, 0, 1, 0, 0, 0);
  }

  public LrSchedule withWarmup(long steps) {
    return new LrSchedule(kind, baseLr, stepSize, gamma, totalSteps, minLr, steps);
  }

  /** This schedule with totalSteps (0 = "the whole run") fixed to the run's length. */
  public LrSchedule forRun(long runSteps) {
    return totalSteps > 0 ? this : new LrSchedule(kind, baseLr, stepSize, gamma, runSteps, minLr, warmupSteps);
  }

  public double lr(long step) {
    if (step < warmupSteps) return baseLr * (step + 1) / warmupSteps;
    long s = step - warmupSteps;
    return switch (kind) {
      case CONSTANT -> baseLr;
      case STEP -> baseLr * Math.pow(gamma, s / stepSize);
      case COSINE -> {
        if (totalSteps == 0) throw new IllegalStateException("cosine schedule used before forRun()");
        long span = Math.max(1, totalSteps - warmupSteps);
        double frac = Math.min(1.0, (double) s / span);
        yield minLr + 0.5 * (baseLr - minLr) * (1 + Math.cos(Math.PI * frac));
      }
    };
  }
}
