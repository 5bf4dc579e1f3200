package dev.dptrain.driver.io;

import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.model.io.ModelCodec;
import dev.dptrain.model.io.SavedModel;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Saves and loads models through the Hadoop FileSystem API. A model directory holds one file,
 * {@value #FILE}, written atomically (temporary file + rename). Format: docs/model-format.md.
 */
public final class ModelStore {
  public static final String FILE = "model.dptm";

  /** The model file is missing, unreadable or not a valid dptrain model; the message names the file. */
  public static final class ModelFileException extends IOException {
    private static final long serialVersionUID = 1L;

    public ModelFileException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private ModelStore() {}

  /** Writes {@code dir/model.dptm}; returns its path. Nothing is left behind when writing fails. */
  public static Path save(SavedModel model, String dir, Configuration conf) throws IOException {
    byte[] bytes = ModelCodec.encode(model);
    Path target = new Path(dir, FILE);
    try {
      AtomicFiles.write(target.getFileSystem(conf), target, bytes);
    } catch (IOException e) {
      throw new IOException("cannot save the model to " + target + ": " + e.getMessage(), e);
    }
    return target;
  }

  /** Loads from a model directory or the model file itself. */
  public static SavedModel load(String dirOrFile, Configuration conf) throws IOException {
    Path p = new Path(dirOrFile);
    try {
      FileSystem fs = p.getFileSystem(conf);
      if (fs.exists(p) && fs.getFileStatus(p).isDirectory()) p = new Path(p, FILE);
      if (!fs.exists(p)) {
        throw new ModelFileException(p + ": model file not found (train saves it to output.dir/model)", null);
      }
      long len = fs.getFileStatus(p).getLen();
      if (len > Integer.MAX_VALUE) throw new IOException(p + ": model file too large (" + len + " bytes)");
      byte[] bytes = new byte[(int) len];
      try (InputStream in = fs.open(p)) {
        new DataInputStream(in).readFully(bytes);
      } catch (ChecksumException e) {
        throw new IOException(p + ": model file damaged (file system checksum mismatch)", e);
      }
      return ModelCodec.decode(bytes, p.toString());
    } catch (ModelFileException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ModelFileException(m.startsWith(p.toString()) ? m : p + ": " + m, e);
    }
  }
}
