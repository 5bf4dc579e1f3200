package dev.dptrain.bench.spark;

import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.data.DistributedStandardizer;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Seconds from nothing to the first training step's data (read on the executors, balanced,
 * packed, standardisation fitted, cached) for the same data as Parquet and as IDX, against the
 * floor: Spark's own scan of the Parquet file touching every feature
 * ({@code aggregate(features, 0D, (a, x) -> a + x)} summed), in the same JVM and session. Runs
 * alternate so that the page cache helps every contender alike; medians are reported.
 *
 * <pre>IngestBench --parquet PATH --images IDX --labels IDX [--runs 3] [--partitions 2] [--master local[2]]</pre>
 */
public final class IngestBench {
  private IngestBench() {}

  public static void main(String[] args) {
    String parquet = null;
    String images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    String labels = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz";
    int runs = 3;
    int partitions = 2;
    String master = "local[2]";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--parquet" -> parquet = args[i + 1];
        case "--images" -> images = args[i + 1];
        case "--labels" -> labels = args[i + 1];
        case "--runs" -> runs = Integer.parseInt(args[i + 1]);
        case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
        case "--master" -> master = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (parquet == null) throw new IllegalArgumentException("--parquet PATH is required");
    Shape shape = Shape.image(1, 28, 28);
    DataSource pq = new DataSource("parquet", parquet, null, "label", "features", false, ',');
    DataSource idx = DataSource.idx(images, labels);
    double[][] t = new double[3][runs];
    long[] rows = new long[3];
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.baseConf("dptrain ingest bench")
        .setMaster(master).set("spark.ui.enabled", "false")).getOrCreate()) {
      spark.sparkContext().setLogLevel("WARN");
      for (int r = -1; r < runs; r++) { // run -1 warms the JIT and the page cache, not reported
        long t0 = System.nanoTime();
        Object sum = spark.read().parquet(parquet)
            .select(functions.expr("aggregate(features, 0D, (a, x) -> a + x)").as("s")).agg(functions.sum("s"))
            .collectAsList().get(0).get(0);
        double floor = (System.nanoTime() - t0) / 1e9;
        double[] pqRun = dptrain(spark, pq, shape, partitions);
        double[] idxRun = dptrain(spark, idx, shape, partitions);
        if (r < 0) continue;
        t[0][r] = floor;
        t[1][r] = pqRun[0];
        t[2][r] = idxRun[0];
        rows[1] = (long) pqRun[1];
        rows[2] = (long) idxRun[1];
        System.out.printf(Locale.ROOT, "run %d: spark scan %.2f s (checksum %s), dptrain parquet %.2f s, dptrain idx %.2f s%n",
            r + 1, floor, sum, pqRun[0], idxRun[0]);
      }
    }
    double floor = median(t[0]);
    System.out.printf(Locale.ROOT, "%-34s %8s %10s %8s%n", "time to the first step's data", "median s", "rows/s", "x floor");
    System.out.printf(Locale.ROOT, "%-34s %8.2f %10s %8s%n", "spark.read.parquet scan (floor)", floor, "", "1.00");
    String[] names = {"", "dptrain parquet", "dptrain idx (gzip)"};
    for (int k = 1; k < 3; k++) {
      double m = median(t[k]);
      System.out.printf(Locale.ROOT, "%-34s %8.2f %10.0f %8.2f%n", names[k], m, rows[k] / m, m / floor);
    }
  }

  /** {seconds, rows}: read, balance, pack, fit the standardisation, cache; then drop the cache. */
  private static double[] dptrain(SparkSession spark, DataSource src, Shape shape, int partitions) {
    long t0 = System.nanoTime();
    try {
      JavaRDD<PackedPartition> packed = DistributedData.partitions(
          DistributedData.records(spark, src, shape, LabelRule.classes(10)), shape, partitions, 42, 0);
      Standardizer st = DistributedStandardizer.fit(packed, Standardizer.Mode.CENTER, false, 1);
      JavaRDD<PackedPartition> cached = DistributedData.cache(packed, st);
      long n = cached.map(p -> (long) p.size()).reduce(Long::sum);
      double s = (System.nanoTime() - t0) / 1e9;
      cached.unpersist(true);
      return new double[] {s, n};
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
