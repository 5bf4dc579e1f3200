package dev.dptrain.driver.io;

import dev.dptrain.driver.HadoopData;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.sql.SparkSession;

/**
 * One data set to read: its format, path (any Hadoop path: file://, hdfs://, s3a://, a plain
 * path, or a directory of part files) and the format's options.
 *
 * @param labels       IDX only: the labels file ({@code path} is the images file); null for
 *                     prediction input
 * @param labelColumn  CSV: index (0-based) or header name of the label column, null = no label
 *                     column (prediction input); Parquet: the numeric label column
 * @param featuresColumn Parquet: array&lt;float|double&gt; or ML Vector column
 */
public record DataSource(String format, String path, String labels, String labelColumn, String featuresColumn,
                         boolean header, char delimiter) implements Serializable {
  public static final String[] FORMATS = {"idx", "libsvm", "csv", "parquet"};

  public static DataSource idx(String images, String labels) {
    return new DataSource("idx", images, labels, null, null, false, ',');
  }

  /**
   * Reads the examples; every one must have {@code shape.size()} features and a label accepted
   * by {@code rule} (see {@link LabelRule}). Errors name the file and the record.
   */
  public Dataset read(SparkSession spark, Shape shape, LabelRule rule) throws IOException {
    return switch (format) {
      case "idx" -> {
        if (labels == null && rule.required()) throw new IllegalArgumentException(path + ": IDX images need a labels file here");
        Dataset d = HadoopData.readIdx(path, labels, spark.sparkContext().hadoopConfiguration());
        if (d.shape().size() != shape.size()) {
          throw new IOException(path + ": examples have " + d.shape().size() + " features (" + d.shape()
              + ") but the model input needs " + shape.size() + " (" + shape + ")");
        }
        for (int i = 0; i < d.size(); i++) rule.check(d.labels()[i], path + ": record " + i);
        yield new Dataset(shape, 1, d.features(), d.labels());
      }
      case "libsvm" -> TextData.readLibSvm(path, shape, rule, spark.sparkContext().hadoopConfiguration());
      case "csv" -> TextData.readCsv(this, shape, rule, spark.sparkContext().hadoopConfiguration());
      case "parquet" -> ParquetData.read(spark, this, shape, rule);
      default -> throw new IllegalArgumentException("unknown data format '" + format + "'; expected idx, libsvm, csv or parquet");
    };
  }
}
