package dev.dptrain.driver;

import org.apache.spark.SparkConf;

/** The Spark settings every dptrain application uses. */
public final class SparkSessions {
  private SparkSessions() {}

  /** The Spark version dptrain runs on (recorded in the saved model). */
  public static String sparkVersion() {
    return org.apache.spark.package$.MODULE$.SPARK_VERSION();
  }

  /**
   * Kryo with dptrain's classes registered, Kryo's unsafe (bulk-copy) streams for the float
   * arrays that dominate every step, and one BLAS thread per task.
   */
  public static SparkConf baseConf(String appName) {
    return new SparkConf()
        .setAppName(appName)
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.kryo.registrator", DptrainKryoRegistrator.class.getName())
        .set("spark.kryo.unsafe", "true")
        // A task's gradient (1 MB for the MLP) would otherwise exceed the 1 MiB default and come
        // back through the block manager, a second round trip per step. Spark caps this at
        // spark.rpc.message.maxSize by itself.
        // Trained float weights do not compress (lz4 gains ~0%), so compressing the per-step
        // parameter broadcast only costs time on both ends.
        .set("spark.broadcast.compress", "false")
        .set("spark.task.maxDirectResultSize", String.valueOf(128L << 20))
        .set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
  }
}
