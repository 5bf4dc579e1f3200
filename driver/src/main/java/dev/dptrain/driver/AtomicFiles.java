package dev.dptrain.driver;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Write-to-temporary-then-rename, so readers see either the old file or the complete new one. */
public final class AtomicFiles {
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
   * target. If writing fails the temporary file is deleted and the target is left untouched.
   */
  public static void write(FileSystem fs, Path target, Body body) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
    fs.mkdirs(target.getParent());
    try {
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        body.writeTo(out);
        out.hsync();
      }
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    if (fs.exists(target)) fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }
}
