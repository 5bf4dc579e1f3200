package dev.dptrain.driver;

import org.apache.spark.SparkConf;

/** The Spark settings every dptrain application uses. */
public final class SparkSessions {
  private SparkSessions() {}

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
        .set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1");
  }
}
