package dev.dptrain.bench.spark;

import dev.dptrain.driver.SparkSessions;
import dev.dptrain.model.Rng;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.HadoopConf;
import dev.dptrain.worker.data.IdxRecords;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RecordKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Writes a large Parquet training set from Fashion-MNIST for the large-data acceptance run: K
 * copies of the 60,000 training images, copy 0 as is and every other copy with a seeded random
 * shift of up to 2 pixels and a random horizontal flip; columns {@code features} (array&lt;float&gt;,
 * 784 values in [0, 1]) and {@code label} (int). One Spark task per copy reads the IDX files itself
 * and writes one part file, so nothing passes through the driver here either.
 *
 * <pre>LargeDataGenerator --out PATH --copies 20 [--seed 7] [--master local[2]]
 *     [--images .../train-images-idx3-ubyte.gz --labels .../train-labels-idx1-ubyte.gz]</pre>
 */
public final class LargeDataGenerator {
  private LargeDataGenerator() {}

  public static void main(String[] args) throws Exception {
    String out = null;
    int copies = 20;
    long seed = 7;
    String master = "local[2]";
    String images = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
    String labels = "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--out" -> out = args[i + 1];
        case "--copies" -> copies = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--master" -> master = args[i + 1];
        case "--images" -> images = args[i + 1];
        case "--labels" -> labels = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (out == null) throw new IllegalArgumentException("--out PATH is required");
    long t0 = System.nanoTime();
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.baseConf("dptrain large-data generator")
        .setMaster(master).set("spark.ui.enabled", "false")).getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
      String im = images;
      String lb = labels;
      long s = seed;
      List<Integer> ks = new ArrayList<>();
      for (int k = 0; k < copies; k++) ks.add(k);
      JavaRDD<Row> rows = sc.parallelize(ks, copies).flatMap(k -> {
        IdxRecords.Header hi = IdxRecords.header(im, true, conf.get());
        IdxRecords.Header hl = IdxRecords.header(lb, false, conf.get());
        Iterator<Tuple2<RecordKey, Example>> it = IdxRecords.read(hi, hl, 0, hi.count(), LabelRule.classes(10), conf.get());
        return new Iterator<Row>() {
          @Override
          public boolean hasNext() {
            return it.hasNext();
          }

          @Override
          public Row next() {
            Tuple2<RecordKey, Example> t = it.next();
            float[] pixels = new float[784];
            t._2().copyTo(pixels, 0);
            float[] x = k == 0 ? pixels : augment(pixels, Rng.derive(s, k, t._1().record()));
            return RowFactory.create(x, (int) t._2().label());
          }
        };
      });
      StructType schema = new StructType(new StructField[] {
          DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false),
          DataTypes.createStructField("label", DataTypes.IntegerType, false)});
      spark.createDataFrame(rows, schema).write().mode("errorifexists").parquet(out);
    }
    System.out.printf("generator: wrote %d rows (%d copies of Fashion-MNIST) to %s in %.1f s%n",
        60_000L * copies, copies, out, (System.nanoTime() - t0) / 1e9);
  }

  /** A shift of up to 2 pixels each way (zero fill) and a horizontal flip with probability 1/2. */
  static float[] augment(float[] x, Rng rng) {
    int dx = rng.nextInt(5) - 2;
    int dy = rng.nextInt(5) - 2;
    boolean flip = rng.nextInt(2) == 1;
    float[] y = new float[784];
    for (int r = 0; r < 28; r++) {
      int sr = r - dy;
      if (sr < 0 || sr >= 28) continue;
      for (int c = 0; c < 28; c++) {
        int sc = (flip ? 27 - c : c) - dx;
        if (sc >= 0 && sc < 28) y[r * 28 + c] = x[sr * 28 + sc];
      }
    }
    return y;
  }
}
