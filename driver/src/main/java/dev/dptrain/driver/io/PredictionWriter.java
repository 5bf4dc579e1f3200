package dev.dptrain.driver.io;

import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.driver.data.DistributedData;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes {@code predict}'s rows where asked, never leaving a half-written output: Spark writes to
 * a temporary sibling, which is renamed into place once complete; {@code overwrite} replaces an
 * existing output only then. As a directory of part files (Parquet or CSV, each with the stable
 * {@code row} column) or, with {@code singleFile}, as one CSV file with one header, rows in input
 * order.
 */
public final class PredictionWriter {
  private PredictionWriter() {}

  public static void write(Dataset<Row> rows, String output, String format, boolean singleFile, boolean overwrite,
                           Configuration hadoop) throws IOException {
    Path given = new Path(output);
    FileSystem fs = given.getFileSystem(hadoop);
    Path target = fs.makeQualified(given); // a bare relative name has no parent to put the temporary in
    Path tmp = new Path(target.getParent(), "." + target.getName() + AtomicFiles.TMP_INFIX + System.nanoTime());
    try {
      // coalesce(1) concatenates the input's partitions in order: one part file, rows in input order
      var writer = (singleFile ? rows.coalesce(1) : rows).write();
      DistributedData.run(() -> {
        if (format.equals("csv")) writer.option("header", "true").csv(tmp.toString());
        else writer.parquet(tmp.toString());
        return null;
      });
      Path done = tmp;
      if (singleFile) {
        FileStatus[] parts = fs.globStatus(new Path(tmp, "part-*"));
        if (parts == null || parts.length != 1) throw new IOException(tmp + ": expected one part file");
        done = new Path(target.getParent(), "." + target.getName() + AtomicFiles.TMP_INFIX + "file-" + System.nanoTime());
        // the local file system's checksum file stays behind with the temporary directory
        FileSystem move = fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
        if (!move.rename(parts[0].getPath(), done)) throw new IOException("cannot rename " + parts[0].getPath() + " to " + done);
      }
      Path old = null;
      if (fs.exists(target)) {
        if (!overwrite) throw new IOException(output + " already exists; give --overwrite to replace it");
        old = new Path(target.getParent(), "." + target.getName() + ".old-" + System.nanoTime());
        if (!fs.rename(target, old)) throw new IOException("cannot move the old " + output + " aside");
      }
      FileSystem move = singleFile && fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
      if (!move.rename(done, target)) {
        if (old != null) fs.rename(old, target);
        throw new IOException("cannot rename " + done + " to " + output);
      }
      if (old != null) fs.delete(old, true);
    } finally {
      if (fs.exists(tmp)) fs.delete(tmp, true);
    }
  }
}
