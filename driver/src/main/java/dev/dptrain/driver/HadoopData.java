package dev.dptrain.driver;

import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.IdxReader;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads data sets through the Hadoop FileSystem API (file://, hdfs://, s3a://, plain paths). */
public final class HadoopData {
  private HadoopData() {}

  /** IDX images with their labels, or images only (all-zero labels) when {@code labels} is null. */
  public static Dataset readIdx(String images, String labels, Configuration conf) throws IOException {
    if (labels == null) {
      Path ip = new Path(images);
      FileSystem fs = ip.getFileSystem(conf);
      if (!fs.exists(ip)) throw new java.io.FileNotFoundException(ip + ": data file not found");
      try (InputStream im = fs.open(ip)) {
        return IdxReader.readImages(im, ip.toString());
      }
    }
    Path ip = new Path(images);
    Path lp = new Path(labels);
    FileSystem ifs = ip.getFileSystem(conf);
    FileSystem lfs = lp.getFileSystem(conf);
    for (Path p : new Path[] {ip, lp}) {
      if (!p.getFileSystem(conf).exists(p)) {
        throw new java.io.FileNotFoundException(p + ": data file not found"
            + (p.toString().contains("fashion-mnist") ? " (Debian: apt-get install dataset-fashion-mnist)" : ""));
      }
    }
    try (InputStream im = ifs.open(ip); InputStream lb = lfs.open(lp)) {
      return IdxReader.read(im, ip.toString(), lb, lp.toString());
    }
  }
}
