package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.steps.InjectedFailure;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** One real local Spark context for the test JVM, with Kryo registration enforced. */
public final class SparkTestSupport {
  private static JavaSparkContext sc;

  private SparkTestSupport() {}

  /**
   * Runs {@code run} with the first attempt of partition 0's task failing at {@code step} (the
   * worker's test-only {@link InjectedFailure}), and checks that a task really failed.
   */
  public static <T> T failingFirstAttemptAt(long step, Supplier<T> run) {
    JavaSparkContext context = sc();
    AtomicInteger failedTasks = new AtomicInteger();
    SparkListener failures = new SparkListener() {
      @Override
      public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() != Success$.MODULE$) failedTasks.incrementAndGet();
      }
    };
    context.sc().addSparkListener(failures);
    System.setProperty(InjectedFailure.PROPERTY, Long.toString(step));
    T result;
    try {
      result = run.get();
    } finally {
      System.clearProperty(InjectedFailure.PROPERTY);
      try {
        context.sc().listenerBus().waitUntilEmpty();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new AssertionError("Spark's listener bus did not drain", e);
      } finally {
        context.sc().removeSparkListener(failures);
      }
    }
    assertTrue(failedTasks.get() >= 1, "the injected failure at step " + step + " should have failed a task");
    return result;
  }

  public static synchronized JavaSparkContext sc() {
    if (sc != null && !sc.sc().isStopped() && !sc.getConf().getBoolean("spark.kryo.registrationRequired", false)) {
      sc.stop(); // the SQL session's context: come back to the registration-enforcing one
    }
    if (sc == null || sc.sc().isStopped()) {
      SparkConf conf = SparkSessions.baseConf("dptrain-tests")
          // local[2, 4]: 2 threads, and a failed task is retried up to 4 times (retry tests)
          .setMaster("local[2,4]")
          .set("spark.ui.enabled", "false")
          .set("spark.kryo.registrationRequired", "true");
      sc = new JavaSparkContext(conf);
      JavaSparkContext created = sc;
      Runtime.getRuntime().addShutdownHook(new Thread(created::stop));
    }
    return sc;
  }

  /**
   * A Spark SQL session (local[2]) for the I/O tests. Spark SQL ships classes that are not
   * registered with Kryo, so this replaces the registration-enforcing context; {@link #sc()}
   * brings that back when a later test needs it.
   */
  public static synchronized SparkSession session() {
    if (sc != null && !sc.sc().isStopped() && sc.getConf().getBoolean("spark.kryo.registrationRequired", false)) {
      sc.stop();
    }
    SparkSession s = SparkSession.builder().config(SparkSessions.baseConf("dptrain-io-tests")
        .setMaster("local[2]").set("spark.ui.enabled", "false")).getOrCreate();
    sc = JavaSparkContext.fromSparkContext(s.sparkContext());
    return s;
  }

  /**
   * Stops any running context (before code that creates its own: the CLI, another master); the
   * next {@link #sc} makes a new one.
   */
  public static synchronized void stop() {
    if (sc != null && !sc.sc().isStopped()) sc.stop();
    sc = null;
  }

  /** Gaussian blobs, one per class, in `dim` dimensions: learnable but not trivially. */
  public static Dataset blobs(int n, int dim, int classes, long seed) {
    Rng rng = new Rng(seed);
    float[][] centres = new float[classes][dim];
    for (float[] c : centres) for (int j = 0; j < dim; j++) c[j] = (float) rng.nextGaussian() * 2;
    float[] x = new float[n * dim];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int c = rng.nextInt(classes);
      y[i] = c;
      for (int j = 0; j < dim; j++) x[i * dim + j] = centres[c][j] + (float) rng.nextGaussian();
    }
    return new Dataset(Shape.vector(dim), 1, x, y);
  }
}
