package dev.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataFormatException;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor-side data path: text split at any byte gives the same records, balanced
 * partitions do not depend on how the input was split, and they hold every example exactly once.
 */
class DistributedDataTest {
  private static final Shape TWO = Shape.vector(2);
  private static final String MAX_SPLIT = "mapreduce.input.fileinputformat.split.maxsize";
  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session();
  }

  @AfterEach
  void defaultSplits() {
    spark.sparkContext().hadoopConfiguration().unset(MAX_SPLIT);
  }

  /** n CSV lines "label,i,-i" in two files. */
  private DataSource csvInTwoFiles(int n) throws IOException {
    Path d = Files.createDirectories(dir.resolve("csv"));
    StringBuilder a = new StringBuilder("label,x,y\n");
    StringBuilder b = new StringBuilder("\uFEFFlabel,x,y\n"); // a byte order mark, as Excel writes it
    for (int i = 0; i < n; i++) (i < n / 3 ? a : b).append(i % 3).append(',').append(i).append(',').append(-i).append('\n');
    Files.writeString(d.resolve("part-0.csv"), a);
    Files.writeString(d.resolve("part-1.csv"), b);
    return new DataSource("csv", d.toString(), null, "label", null, true, ',');
  }

  private static List<PackedPartition> partitions(DataSource src, int p, long seed, long limit) throws IOException {
    JavaRDD<PackedPartition> rdd = DistributedData.cache(DistributedData.partitions(
        DistributedData.records(spark, src, TWO, LabelRule.classes(3)), TWO, p, seed, limit), Standardizer.NONE);
    List<PackedPartition> out = rdd.collect();
    rdd.unpersist(false);
    return out;
  }

  private static float[] features(PackedPartition p) {
    float[] x = new float[p.size() * 2];
    p.copy(0, p.size(), x, new float[p.size()]);
    return x;
  }

  @Test
  void textSplitAnywhereGivesTheSameRecordsAndPartitions() throws IOException {
    DataSource src = csvInTwoFiles(3000);
    Dataset whole = DataFormatsTest.read(src, TWO, LabelRule.classes(3));
    List<PackedPartition> p1 = partitions(src, 3, 7, 0);
    spark.sparkContext().hadoopConfiguration().setLong(MAX_SPLIT, 1000); // about 20 splits per file
    assertTrue(spark.sparkContext().hadoopConfiguration().getLong(MAX_SPLIT, 0) == 1000);
    Dataset split = DataFormatsTest.read(src, TWO, LabelRule.classes(3));
    assertArrayEquals(whole.features(), split.features(), "records read in many splits");
    assertArrayEquals(whole.labels(), split.labels());
    List<PackedPartition> p2 = partitions(src, 3, 7, 0);
    int total = 0;
    Set<Float> seen = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      assertEquals(i, p1.get(i).index());
      assertArrayEquals(features(p1.get(i)), features(p2.get(i)), "partition " + i + " depends on the input splits");
      // near-equal: a multinomial count of 3000 over 3 stays within 5 standard deviations (±129)
      assertTrue(Math.abs(p1.get(i).size() - 1000) < 130, "partition " + i + " holds " + p1.get(i).size());
      float[] x = features(p1.get(i));
      for (int k = 0; k < p1.get(i).size(); k++) seen.add(x[2 * k]);
      total += p1.get(i).size();
    }
    assertEquals(3000, total);
    assertEquals(3000, seen.size(), "every example exactly once");
    // another seed draws other partitions
    assertTrue(!java.util.Arrays.equals(features(p1.get(0)), features(partitions(src, 3, 8, 0).get(0))));
  }

  @Test
  void errorsInALaterSplitNameTheByteOffset() throws IOException {
    Path f = dir.resolve("bad.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 500; i++) sb.append("1,").append(i).append(",0\n");
    long offset = sb.length();
    sb.append("1,x,0\n");
    Files.writeString(f, sb);
    spark.sparkContext().hadoopConfiguration().setLong(MAX_SPLIT, 1000);
    DataSource src = new DataSource("csv", f.toString(), null, "0", null, false, ',');
    String msg = assertThrows(DataFormatException.class, () -> DataFormatsTest.read(src, TWO, LabelRule.classes(3))).getMessage();
    assertTrue(msg.contains(f.toString()) && msg.contains("byte " + offset) && msg.contains("'x' is not a number"), msg);
    spark.sparkContext().hadoopConfiguration().unset(MAX_SPLIT);
    msg = assertThrows(DataFormatException.class, () -> DataFormatsTest.read(src, TWO, LabelRule.classes(3))).getMessage();
    assertTrue(msg.contains("line 501"), msg);
  }

  @Test
  void limitKeepsThatManyExamples() throws IOException {
    DataSource src = csvInTwoFiles(300);
    List<PackedPartition> parts = partitions(src, 4, 1, 50);
    assertEquals(50, parts.stream().mapToInt(PackedPartition::size).sum());
  }

  @Test
  void dataFramesAreReadInTheirTasks() {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("f", DataTypes.createArrayType(DataTypes.DoubleType), false),
        DataTypes.createStructField("y", DataTypes.DoubleType, false)});
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) rows.add(RowFactory.create(new double[] {i, 2 * i}, (double) (i % 2)));
    var df = spark.createDataFrame(rows, schema).repartition(3);
    List<PackedPartition> parts = DistributedData.cache(DistributedData.partitions(
        DistributedData.records(df, "f", "y", TWO, LabelRule.classes(2)), TWO, 2, 3, 0), Standardizer.NONE).collect();
    assertEquals(40, parts.get(0).size() + parts.get(1).size());
    String msg = assertThrows(DataFormatException.class,
        () -> DistributedData.run(() -> DistributedData.records(df, "f", "y", Shape.vector(3), LabelRule.classes(2)).count()))
        .getMessage();
    assertTrue(msg.contains("2 features, expected 3"), msg);
  }

  @Test
  void theDriverReadsNoByteOfTheInput() throws IOException {
    DataSource src = csvInTwoFiles(2000);
    // In local mode tasks share the driver's JVM: count the bytes read by threads other than this one.
    org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.FileSystem.Statistics stats = org.apache.hadoop.fs.FileSystem.getAllStatistics().stream()
        .filter(st -> st.getScheme().equals("file")).findFirst().orElseThrow();
    long totalBefore = stats.getBytesRead();
    long before = stats.getThreadStatistics().getBytesRead();
    JavaRDD<PackedPartition> rdd = DistributedData.cache(DistributedData.partitions(
        DistributedData.records(spark, src, TWO, LabelRule.classes(3)), TWO, 2, 1, 0), Standardizer.NONE);
    assertEquals(before, stats.getThreadStatistics().getBytesRead(), "the driver thread read input bytes");
    assertTrue(stats.getBytesRead() - totalBefore > 20_000, "the tasks read the input: " + (stats.getBytesRead() - totalBefore));
    rdd.unpersist(false);
  }
}
