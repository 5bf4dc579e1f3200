package dev.dptrain.model;

import dev.dptrain.model.layers.NormStats;
import java.io.Serializable;

/**
 * What a worker (or a ghost batch) returns for one step: SUMS over its examples of the loss and of
 * the parameter gradient, its example count and correct predictions, and the batch statistics of
 * every normalisation layer. Sums make merging associative and exact, so results can be combined
 * in any tree shape and divided once by the global count on the driver.
 *
 * <p>{@code grad == null} and {@code normStats == null} mean "no examples yet": an empty
 * partition costs no 270,000-float zero vector on the wire.
 */
public final class GradientSum implements Serializable {
  private static final long serialVersionUID = 1L;

  public float[] grad;
  public double lossSum;
  public long count;
  public long correct;
  public double[] normStats;
  /** Longest compute time of the tasks merged here (for the step-overhead measurement). */
  public long computeNanos;

  /** Adds {@code other} into this and returns this. */
  public GradientSum merge(GradientSum other) {
    computeNanos = Math.max(computeNanos, other.computeNanos);
    if (other.count == 0) return this;
    if (grad == null) {
      grad = other.grad.clone();
    } else {
      float[] g = grad;
      float[] o = other.grad;
      if (g.length != o.length) {
        throw new IllegalArgumentException("gradient sizes differ: " + g.length + " vs " + o.length);
      }
      for (int i = 0; i < g.length; i++) g[i] += o[i];
    }
    normStats = normStats == null ? other.normStats.clone() : NormStats.merge(normStats, other.normStats);
    lossSum += other.lossSum;
    count += other.count;
    correct += other.correct;
    return this;
  }
}
