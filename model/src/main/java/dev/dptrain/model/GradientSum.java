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

  /**
   * Adds {@code other} into this and returns this. When this is still empty it takes over
   * {@code other}'s arrays instead of copying them, so {@code other} must not be used afterwards
   * (true of task results, which Spark deserialises fresh).
   */
  public GradientSum merge(GradientSum other) {
    computeNanos = Math.max(computeNanos, other.computeNanos);
    if (other.count == 0) return this;
    if (count == 0) {
      grad = other.grad;
      normStats = other.normStats;
      lossSum = other.lossSum;
      count = other.count;
      correct = other.correct;
      return this;
    }
    float[] g = grad;
    float[] o = other.grad;
    if (g.length != o.length) {
      throw new IllegalArgumentException("gradient sizes differ: " + g.length + " vs " + o.length);
    }
    for (int i = 0; i < g.length; i++) g[i] += o[i];
    NormStats.merge(normStats, other.normStats);
    lossSum += other.lossSum;
    count += other.count;
    correct += other.correct;
    return this;
  }

  /**
   * Merges partition results left to right in the given (partition) order: float addition is not
   * associative, so a fixed order is what makes a step bit-reproducible whatever order tasks
   * finish in.
   */
  public static GradientSum mergeInOrder(Iterable<GradientSum> parts) {
    GradientSum acc = new GradientSum();
    for (GradientSum p : parts) acc.merge(p);
    return acc;
  }
}
