package dev.dptrain.worker.steps;

/**
 * Test-only fault injection: when the system property {@value #PROPERTY} holds a step number, the
 * first attempt of partition 0's task throws at that step, so that Spark retries it. Tests set it
 * in the JVM that runs the tasks (local mode); production runs never do.
 */
public final class InjectedFailure {
  public static final String PROPERTY = "dptrain.test.failFirstAttemptAtStep";

  private InjectedFailure() {}

  /** The step at which to fail, read once per task; -1 = never. */
  static long step() {
    return Long.getLong(PROPERTY, -1L);
  }

  static void check(long failAt, long step, int partition, boolean firstAttempt) {
    if (step == failAt && partition == 0 && firstAttempt) {
      throw new IllegalStateException("injected failure of the first attempt at step " + step);
    }
  }
}
