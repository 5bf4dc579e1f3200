package dev.dptrain.model.train;

import dev.dptrain.model.GradientSum;

/**
 * Where the training loop gets each step's summed gradient: {@link LocalSteps} in this process,
 * or a Spark transport that sends the parameters to every partition's task. Call order:
 * {@link #step} any number of times, {@link #release} before anything else needs the executors
 * (validation) and at the end, then {@link #close}.
 */
public interface StepSource extends AutoCloseable {
  /**
   * The SUM over all partitions, merged in partition order, of their shares of the step at
   * {@code at} with these parameters. The result's gradient array may be reused by the next call.
   */
  GradientSum step(StepCoordinates at, float[] params);

  /** Frees whatever {@link #step} holds between steps; the next step takes it again. */
  default void release() {}

  @Override
  default void close() {}
}
