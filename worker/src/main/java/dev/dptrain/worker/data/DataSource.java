package dev.dptrain.worker.data;

import java.io.Serializable;

/**
 * One data set to read: its format, path (any Hadoop path: file://, hdfs://, s3a://, a plain
 * path, or a directory of part files) and the format's options. The driver plans from it; the
 * executors read the files it names.
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
}
