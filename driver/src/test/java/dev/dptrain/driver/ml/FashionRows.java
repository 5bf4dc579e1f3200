package dev.dptrain.driver.ml;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Fashion-MNIST rows (image as an ML Vector of 784 pixel values in [0, 1] as float32 x/255, label) for the ML tests. */
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
    int dim = 784;
    byte[] pixels;
    byte[] labels;
    try {
      pixels = idxBody(train ? DIR.resolve("train-images-idx3-ubyte.gz") : TEST_IMAGES, 16, from * dim, n * dim);
      labels = idxBody(train ? DIR.resolve("train-labels-idx1-ubyte.gz") : TEST_LABELS, 8, from, n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double[] x = new double[dim];
      for (int j = 0; j < dim; j++) x[j] = (pixels[i * dim + j] & 0xff) * (1f / 255f);
      rows.add(RowFactory.create(Vectors.dense(x), (double) labels[i]));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(2);
  }

  /** {@code n} bytes of a gzip IDX file's body from byte {@code from} (after its header). */
  private static byte[] idxBody(Path file, int header, long from, int n) throws IOException {
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(java.nio.file.Files.newInputStream(file)))) {
      in.skipNBytes(header + from);
      byte[] b = new byte[n];
      in.readFully(b);
      return b;
    }
  }
}
