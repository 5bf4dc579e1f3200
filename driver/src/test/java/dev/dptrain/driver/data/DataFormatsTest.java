package dev.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.worker.data.DataFormatException;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RecordKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;

/**
 * IDX, LibSVM, CSV and Parquet read by Spark tasks from small real files, including every kind of
 * bad record: each error reaches the driver as the task's own one-line message.
 */
class DataFormatsTest {
  private static final Shape THREE = Shape.vector(3);
  private static final LabelRule CLASSES_3 = LabelRule.classes(3);
  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = SparkTestSupport.session();
  }

  private String write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static DataSource csv(String path, String label, boolean header) {
    return new DataSource("csv", path, null, label, null, header, ',');
  }

  /** Every record, read by the tasks, in key order (file, then position), as one data set. */
  static Dataset read(DataSource src, Shape shape, LabelRule rule) {
    List<Tuple2<RecordKey, Example>> recs = DistributedData.run(() -> {
      try {
        return DistributedData.records(SparkTestSupport.session(), src, shape, rule).sortByKey().collect();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    int d = shape.size();
    float[] x = new float[recs.size() * d];
    float[] y = new float[recs.size()];
    for (int i = 0; i < recs.size(); i++) {
      recs.get(i)._2().copyTo(x, i * d);
      y[i] = recs.get(i)._2().label();
    }
    return new Dataset(shape, 1, x, y);
  }

  private static String error(DataSource src, Shape shape, LabelRule rule) {
    return assertThrows(DataFormatException.class, () -> read(src, shape, rule)).getMessage();
  }

  @Test
  void csvWithHeaderAndNamedLabelColumn() throws IOException {
    String p = write("a.csv", "f1,y,f2,f3\n1.5,2,-3,4e-1\n\n0,0,0,7\n");
    Dataset d = read(csv(p, "y", true), THREE, CLASSES_3);
    assertEquals(2, d.size());
    assertArrayEquals(new float[] {1.5f, -3f, 0.4f, 0f, 0f, 7f}, d.features());
    assertArrayEquals(new float[] {2f, 0f}, d.labels());
  }

  @Test
  void csvLabelByIndexThroughFileUriAndDirectoryOfParts() throws IOException {
    Files.createDirectories(dir.resolve("parts"));
    write("parts/part-0001.csv", "1,4,5,6\n");
    write("parts/part-0000.csv", "0,1,2,3\n");
    write("parts/_SUCCESS", "");
    Dataset d = read(csv(dir.resolve("parts").toUri().toString(), "0", false), THREE, CLASSES_3);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.features());
    assertArrayEquals(new float[] {0, 1}, d.labels());
  }

  @Test
  void csvErrorsNameFileLineAndExpectation() throws IOException {
    String wrongCount = write("count.csv", "0,1,2,3\n1,1,2\n");
    String msg = error(csv(wrongCount, "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains(wrongCount) && msg.contains("line 2") && msg.contains("3 columns, expected 4"), msg);

    String text = write("text.csv", "0,1,abc,3\n");
    msg = error(csv(text, "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("line 1") && msg.contains("column 2 (0-based)") && msg.contains("'abc' is not a number"), msg);

    msg = error(csv(write("nan.csv", "0,1,2,3\n0,NaN,2,3\n"), "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("line 2") && msg.contains("not finite"), msg);
    msg = error(csv(write("inf.csv", "0,1,Infinity,3\n"), "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("line 1") && msg.contains("not finite"), msg);

    msg = error(csv(write("label.csv", "0,1,2,3\n3,1,2,3\n"), "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("line 2") && msg.contains("label 3.0 is not a class index in [0, 3)"), msg);
    msg = error(csv(write("frac.csv", "0.5,1,2,3\n"), "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("label 0.5 is not a class index"), msg);

    msg = error(csv(write("lbl.csv", "0,1,2,3\ncat,1,2,3\n"), "0", false), THREE, CLASSES_3);
    assertTrue(msg.contains("line 2: column 0 (0-based): label 'cat' is not a number"), msg);

    msg = error(csv(write("hdr.csv", "a,b,c,d\n0,1,2,3\n"), "label", true), THREE, CLASSES_3);
    assertTrue(msg.contains("label column 'label' is not in the header"), msg);
  }

  @Test
  void csvWithoutLabelColumnForPrediction() throws IOException {
    Dataset d = read(csv(write("p.csv", "1,2,3\n4,5,6\n"), null, false), THREE, LabelRule.IGNORED);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.features());
  }

  @Test
  void libsvmSparseOneBased() throws IOException {
    String p = write("a.libsvm", "2 1:0.5 3:-1\n# comment\n0\n1 2:7 # trailing\n");
    Dataset d = read(new DataSource("libsvm", p, null, null, null, false, ','), THREE, CLASSES_3);
    assertArrayEquals(new float[] {0.5f, 0, -1, 0, 0, 0, 0, 7, 0}, d.features());
    assertArrayEquals(new float[] {2, 0, 1}, d.labels());
  }

  @Test
  void libsvmErrors() throws IOException {
    DataSource out = new DataSource("libsvm", write("o.libsvm", "1 1:1\n1 4:1\n"), null, null, null, false, ',');
    String msg = error(out, THREE, CLASSES_3);
    assertTrue(msg.contains("line 2") && msg.contains("feature index 4 outside [1, 3]"), msg);
    msg = error(new DataSource("libsvm", write("z.libsvm", "1 0:1\n"), null, null, null, false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("feature index 0 outside [1, 3]"), msg);
    msg = error(new DataSource("libsvm", write("d.libsvm", "1 2:1 2:3\n"), null, null, null, false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("expected increasing indices"), msg);
    msg = error(new DataSource("libsvm", write("v.libsvm", "1 2:x\n"), null, null, null, false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("line 1: feature 2: 'x' is not a number"), msg);
    msg = error(new DataSource("libsvm", write("n.libsvm", "1 2:NaN\n"), null, null, null, false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("not finite"), msg);
    msg = error(new DataSource("libsvm", write("l.libsvm", "0 1:1\n-1 1:1\n"), null, null, null, false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("line 2") && msg.contains("label -1.0 is not a class index in [0, 3)"), msg);
  }

  private String idxFile(String name, int magic, int[] dims, byte[] data) throws IOException {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.putInt(magic);
    for (int dim : dims) b.putInt(dim);
    b.put(data);
    Path p = dir.resolve(name);
    Files.write(p, b.array());
    return p.toString();
  }

  @Test
  void idxWithAndWithoutLabels() throws IOException {
    String images = idxFile("img-idx3-ubyte", 0x803, new int[] {2, 1, 3}, new byte[] {0, (byte) 255, 51, 0, 0, 102});
    String labels = idxFile("lab-idx1-ubyte", 0x801, new int[] {2}, new byte[] {2, 0});
    Dataset d = read(DataSource.idx(images, labels), THREE, CLASSES_3);
    assertArrayEquals(new float[] {0, 1, 51 / 255f, 0, 0, 102 / 255f}, d.features(), 1e-7f);
    assertArrayEquals(new float[] {2, 0}, d.labels());
    assertEquals(THREE, d.shape()); // the model's input shape, whatever the file's layout
    assertEquals(2, read(DataSource.idx(images, null), THREE, LabelRule.IGNORED).size());

    String msg = error(DataSource.idx(images, labels), Shape.vector(4), CLASSES_3);
    assertTrue(msg.contains(images) && msg.contains("3 features") && msg.contains("needs 4"), msg);
    msg = error(DataSource.idx(images, labels), THREE, LabelRule.classes(2));
    assertTrue(msg.contains(labels + ": record 0") && msg.contains("label 2.0 is not a class index in [0, 2)"), msg);
  }

  private String parquet(String name, StructType schema, List<Row> rows) {
    String p = dir.resolve(name).toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(p);
    return p;
  }

  private static DataSource pq(String path) {
    return new DataSource("parquet", path, null, "label", "features", false, ',');
  }

  @Test
  void parquetArrayColumns() throws IOException {
    StructType doubles = new StructType(new StructField[] {
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.DoubleType), true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true)});
    String p = parquet("d.parquet", doubles, List.of(
        RowFactory.create(new double[] {1, 2, 3}, 0), RowFactory.create(new double[] {4, 5, 6}, 2)));
    Dataset d = read(pq(p), THREE, CLASSES_3);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.features());
    assertArrayEquals(new float[] {0, 2}, d.labels());

    StructType floats = new StructType(new StructField[] {
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.FloatType), true),
        DataTypes.createStructField("label", DataTypes.DoubleType, true)});
    String f = parquet("f.parquet", floats, List.of(RowFactory.create(new float[] {1, 2, 3}, 1.0)));
    assertArrayEquals(new float[] {1, 2, 3}, read(pq(f), THREE, CLASSES_3).features());
  }

  @Test
  void parquetMlVectorStorage() throws IOException {
    // Spark ML VectorUDT's storage struct: type 0 = sparse, 1 = dense
    StructType vec = new StructType(new StructField[] {
        DataTypes.createStructField("type", DataTypes.ByteType, false),
        DataTypes.createStructField("size", DataTypes.IntegerType, true),
        DataTypes.createStructField("indices", DataTypes.createArrayType(DataTypes.IntegerType, false), true),
        DataTypes.createStructField("values", DataTypes.createArrayType(DataTypes.DoubleType, false), true)});
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("features", vec, true), DataTypes.createStructField("label", DataTypes.LongType, true)});
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(RowFactory.create((byte) 1, null, null, new double[] {1, 2, 3}), 1L));
    rows.add(RowFactory.create(RowFactory.create((byte) 0, 3, new int[] {2}, new double[] {9}), 0L));
    Dataset d = read(pq(parquet("v.parquet", schema, rows)), THREE, CLASSES_3);
    assertArrayEquals(new float[] {1, 2, 3, 0, 0, 9}, d.features());
    assertArrayEquals(new float[] {1, 0}, d.labels());
  }

  @Test
  void parquetErrorsNameRow() {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.DoubleType), true),
        DataTypes.createStructField("label", DataTypes.IntegerType, true),
        DataTypes.createStructField("name", DataTypes.StringType, true)});
    String shortRow = parquet("s.parquet", schema, List.of(RowFactory.create(new double[] {1, 2, 3}, 0, "a"),
        RowFactory.create(new double[] {1, 2}, 0, "b")));
    String msg = error(pq(shortRow), THREE, CLASSES_3);
    assertTrue(msg.contains("row 1") && msg.contains("2 features, expected 3"), msg);
    String nan = parquet("n.parquet", schema, List.of(RowFactory.create(new double[] {1, Double.NaN, 3}, 0, "a")));
    msg = error(pq(nan), THREE, CLASSES_3);
    assertTrue(msg.contains("row 0") && msg.contains("feature 1 is NaN"), msg);
    String label = parquet("l.parquet", schema, List.of(RowFactory.create(new double[] {1, 2, 3}, 0, "a"),
        RowFactory.create(new double[] {1, 2, 3}, 0, "a"), RowFactory.create(new double[] {1, 2, 3}, 5, "a")));
    msg = error(pq(label), THREE, CLASSES_3);
    assertTrue(msg.contains("row 2") && msg.contains("label 5.0 is not a class index in [0, 3)"), msg);
    msg = error(new DataSource("parquet", label, null, "y", "features", false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("no label column 'y'"), msg);
    msg = error(new DataSource("parquet", label, null, "label", "name", false, ','), THREE, CLASSES_3);
    assertTrue(msg.contains("column 'name' is string, expected array<float>"), msg);
  }

  @Test
  void parquetFloatLabelsAreTheLabelsAsWrittenListedOrAuto() throws IOException {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("features", DataTypes.createArrayType(DataTypes.DoubleType), true),
        DataTypes.createStructField("label", DataTypes.FloatType, true)});
    float[] labels = {2.5f, 0.1f, -1f, 1e-3f, 0.1f};
    List<Row> rows = new ArrayList<>();
    StringBuilder csv = new StringBuilder();
    for (float y : labels) {
      rows.add(RowFactory.create(new double[] {1, 2, 3}, y));
      csv.append("1,2,3,").append(y).append('\n');
    }
    DataSource floats = pq(parquet("float-labels.parquet", schema, rows));

    LabelRule listed = new LabelRule(4, true, LabelValues.of(List.of("0.1", "2.5", "-1", "1e-3")));
    assertArrayEquals(new float[] {1, 0, 2, 3, 0}, read(floats, THREE, listed).labels());
    assertArrayEquals(new float[] {1, 0, 2, 3, 0}, read(csv(write("float-labels.csv", csv.toString()), "3", false),
        THREE, listed).labels(), "the same labels as CSV text map the same way");

    LabelValues auto = DistributedData.distinctLabels(spark, floats);
    assertEquals(List.of("-1", "0.001", "0.1", "2.5"), auto.values());
    assertArrayEquals(new float[] {3, 2, 0, 1, 2}, read(floats, THREE, new LabelRule(4, true, auto)).labels());

    assertArrayEquals(labels, read(floats, THREE, LabelRule.classes(0)).labels(), "a regression target keeps its float");
  }
}
