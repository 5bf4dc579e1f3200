package dev.dptrain.driver.ml;

import dev.dptrain.model.data.Dataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Fashion-MNIST rows (image as an ML Vector of 784 pixel values 0..255, label) for the ML tests. */
final class FashionRows {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final Path TEST_IMAGES = DIR.resolve("t10k-images-idx3-ubyte.gz");
  static final Path TEST_LABELS = DIR.resolve("t10k-labels-idx1-ubyte.gz");
  static final StructType SCHEMA = new StructType()
      .add("image", SQLDataTypes.VectorType(), false)
      .add("label", DataTypes.DoubleType, false);
  /** A small MLP for the tests: 784-32-10. */
  static final String MLP = "input = [784], loss = softmax_cross_entropy, layers = ["
      + "{ type = dense, units = 32, init = he_normal }, { type = relu }, { type = dense, units = 10 } ]";

  private FashionRows() {}

  /** Rows [from, from + n) of the training (train = true) or test file. */
  static org.apache.spark.sql.Dataset<Row> rows(SparkSession spark, boolean train, int from, int n) {
    Dataset d;
    try {
      d = train ? readIdx(DIR.resolve("train-images-idx3-ubyte.gz"), DIR.resolve("train-labels-idx1-ubyte.gz"))
          : readIdx(TEST_IMAGES, TEST_LABELS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int dim = 784;
    List<Row> rows = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      double[] x = new double[dim];
      for (int j = 0; j < dim; j++) x[j] = d.features()[i * dim + j];
      rows.add(RowFactory.create(Vectors.dense(x), (double) d.labels()[i]));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  /** A gzip IDX image file and its label file as pixel / 255 features (the model's IdxReader moved out of model). */
  private static Dataset readIdx(Path images, Path labels) throws IOException {
    try (var im = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(images)));
         var lb = new java.io.DataInputStream(new java.util.zip.GZIPInputStream(java.nio.file.Files.newInputStream(labels)))) {
      im.readInt();
      int n = im.readInt();
      int h = im.readInt();
      int w = im.readInt();
      lb.readInt();
      lb.readInt();
      byte[] px = im.readNBytes(n * h * w);
      byte[] y = lb.readNBytes(n);
      float[] x = new float[px.length];
      for (int i = 0; i < px.length; i++) x[i] = (px[i] & 0xff) / 255f;
      float[] l = new float[n];
      for (int i = 0; i < n; i++) l[i] = y[i] & 0xff;
      return new Dataset(dev.dptrain.model.Shape.vector(h * w), 1, x, l);
    }
  }
}
