package dev.dptrain.driver;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Write-to-temporary-then-rename, so readers see either the old file or the complete new one. */
public final class AtomicFiles {
  /** Temporary files are named {@code .<target name>.tmp-<nanos>} next to the target. */
  public static final String TMP_INFIX = ".tmp-";

  private AtomicFiles() {}

  /** Writes the body of a file to a stream. */
  @FunctionalInterface
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  public static void write(FileSystem fs, Path target, byte[] bytes) throws IOException {
    write(fs, target, out -> out.write(bytes));
  }

  /**
   * Writes {@code body} to a temporary file next to {@code target}, then renames it over the
   * target. A local file system's {@link FSError} is rethrown as its IOException. On any failure (writing, a full disk, a target that is a directory, a failed rename)
   * the temporary file is deleted and the target is left as it was.
   */
  public static void write(FileSystem fs, Path target, Body body) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + TMP_INFIX + System.nanoTime());
    fs.mkdirs(target.getParent());
    boolean done = false;
    try {
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        body.writeTo(out);
        out.hsync();
      }
      if (fs.exists(target)) {
        FileStatus st = fs.getFileStatus(target);
        if (st.isDirectory()) throw new IOException(target + " is a directory, expected a file or nothing");
        fs.delete(target, false);
      }
      if (!fs.rename(tmp, target)) throw new IOException("could not rename " + tmp + " to " + target);
      done = true;
    } catch (FSError e) {
      // the local file system reports a full disk or a failing device as an Error around the IOException
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
    } finally {
      if (!done) {
        try {
          fs.delete(tmp, false);
        } catch (IOException | RuntimeException e) {
          // the original failure is what matters; the temporary name says what it was
        }
      }
    }
  }
}
