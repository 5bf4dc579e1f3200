package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.model.train.StepSource;

/**
 * How one synchronous step reaches the executors: the driver sends the flat parameter vector to
 * every partition's task and gets back each task's {@link GradientSum}, merged in partition order.
 * Both implementations compute the same thing (bit-identical); they differ in what a step costs.
 * <ul>
 *   <li>{@link BroadcastSteps}: a Spark broadcast and one Spark job per step.</li>
 *   <li>{@link ChannelSteps}: one barrier job whose tasks stay up from step to step (until
 *       {@link #release}) and exchange parameters and results with the driver over a socket (or, for tasks inside the driver's JVM, by
 *       reference), so a step costs no scheduling at all.</li>
 * </ul>
 */
public interface StepTransport extends StepSource {
  /** The summed result of all partitions for the step at {@code at}, with these parameters. */
  @Override
  GradientSum step(StepCoordinates at, float[] params);

  /**
   * Releases the executors before any other Spark job (validation, precise BN) or at the end of
   * training; the next {@link #step} takes them again.
   */
  @Override
  void release();

  @Override
  void close();

  /** Which transport a run uses; {@code AUTO} picks the channel whenever it can run. */
  enum Kind {
    AUTO, BROADCAST, CHANNEL,
    /** The channel over sockets even for tasks in the driver's JVM (tests the cluster path locally). */
    CHANNEL_TCP;

    public static Kind parse(String s) {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    }

    public String configName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
