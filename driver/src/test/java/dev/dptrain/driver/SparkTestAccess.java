package dev.dptrain.driver;

/** Lets tests outside this package release the shared Spark context before making their own. */
public final class SparkTestAccess {
  private SparkTestAccess() {}

  public static void stopSharedContext() {
    SparkTestSupport.stop();
  }

  /** The shared Spark SQL session (see {@link SparkTestSupport#session}). */
  public static org.apache.spark.sql.SparkSession session() {
    return SparkTestSupport.session();
  }
}
