package dev.dptrain.driver;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Write-to-temporary-then-rename, so readers see either the old file or the complete new one. */
public final class AtomicFiles {
  private AtomicFiles() {}

  public static void write(FileSystem fs, Path target, byte[] bytes) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
    fs.mkdirs(target.getParent());
    try (FSDataOutputStream out = fs.create(tmp, false)) {
      out.write(bytes);
      out.hsync();
    }
    if (fs.exists(target)) fs.delete(target, false);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }
}
