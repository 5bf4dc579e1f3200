package dev.dptrain.model.data;

import dev.dptrain.model.Shape;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX format of MNIST and Fashion-MNIST, plain or gzip (detected from the first
 * bytes). Images (magic 0x00000803: unsigned bytes, 3 dimensions) become floats in [0, 1]; labels
 * (magic 0x00000801) become class indices. Wrong magic numbers, truncated files and image/label
 * count mismatches are errors that name the file and what was expected.
 */
public final class IdxReader {
  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  private IdxReader() {}

  /** Images and labels from two local files. */
  public static Dataset read(Path images, Path labels) throws IOException {
    try (InputStream im = Files.newInputStream(images); InputStream lb = Files.newInputStream(labels)) {
      return read(im, images.toString(), lb, labels.toString());
    }
  }

  /** Images and labels from two streams; the names appear in error messages. */
  public static Dataset read(InputStream images, String imagesName, InputStream labels, String labelsName)
      throws IOException {
    DataInputStream im = open(images);
    int magic = readMagic(im, imagesName);
    if (magic != IMAGES_MAGIC) {
      throw new IdxFormatException(imagesName + ": not an IDX image file: magic number 0x"
          + Integer.toHexString(magic) + ", expected 0x00000803 (unsigned bytes, 3 dimensions)");
    }
    int n = readDim(im, imagesName, "image count");
    int rows = readDim(im, imagesName, "rows");
    int cols = readDim(im, imagesName, "columns");
    DataInputStream lb = open(labels);
    int lmagic = readMagic(lb, labelsName);
    if (lmagic != LABELS_MAGIC) {
      throw new IdxFormatException(labelsName + ": not an IDX label file: magic number 0x"
          + Integer.toHexString(lmagic) + ", expected 0x00000801 (unsigned bytes, 1 dimension)");
    }
    int nl = readDim(lb, labelsName, "label count");
    if (nl != n) {
      throw new IdxFormatException(imagesName + " holds " + n + " images but " + labelsName
          + " holds " + nl + " labels");
    }
    float[] x = pixels(im, imagesName, n, rows * cols);
    byte[] lbuf = new byte[n];
    readFully(lb, lbuf, labelsName, "the header announces " + n + " labels but the data ends early");
    float[] y = new float[n];
    for (int i = 0; i < n; i++) y[i] = lbuf[i] & 0xff;
    return new Dataset(Shape.image(1, rows, cols), 1, x, y);
  }

  /** Images only (prediction input), with all-zero labels. */
  public static Dataset readImages(InputStream images, String imagesName) throws IOException {
    DataInputStream im = open(images);
    int magic = readMagic(im, imagesName);
    if (magic != IMAGES_MAGIC) {
      throw new IdxFormatException(imagesName + ": not an IDX image file: magic number 0x"
          + Integer.toHexString(magic) + ", expected 0x00000803 (unsigned bytes, 3 dimensions)");
    }
    int n = readDim(im, imagesName, "image count");
    int rows = readDim(im, imagesName, "rows");
    int cols = readDim(im, imagesName, "columns");
    return new Dataset(Shape.image(1, rows, cols), 1, pixels(im, imagesName, n, rows * cols), new float[n]);
  }

  /** n images of d unsigned bytes, scaled to [0, 1]. */
  private static float[] pixels(DataInputStream im, String imagesName, int n, int d) throws IOException {
    float[] x = new float[Math.multiplyExact(n, d)];
    byte[] buf = new byte[d];
    for (int i = 0; i < n; i++) {
      readFully(im, buf, imagesName, "the header announces " + n + " images of " + d
          + " bytes but the data ends inside image " + i);
      for (int j = 0; j < d; j++) x[i * d + j] = (buf[j] & 0xff) * (1f / 255f);
    }
    return x;
  }

  private static DataInputStream open(InputStream raw) throws IOException {
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    boolean gzip = b0 == 0x1f && b1 == 0x8b;
    return new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in);
  }

  private static int readMagic(DataInputStream in, String name) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(name + ": truncated header: the file ends before the 4-byte magic number");
    }
  }

  private static int readDim(DataInputStream in, String name, String what) throws IOException {
    int v;
    try {
      v = in.readInt();
    } catch (EOFException e) {
      throw new IdxFormatException(name + ": truncated header: missing the " + what);
    }
    if (v <= 0) throw new IdxFormatException(name + ": " + what + " is " + v + ", expected a positive number");
    return v;
  }

  private static void readFully(DataInputStream in, byte[] buf, String name, String problem)
      throws IOException {
    try {
      in.readFully(buf);
    } catch (EOFException e) {
      throw new IdxFormatException(name + ": truncated: " + problem);
    }
  }

  /** A file that is not valid IDX. */
  public static final class IdxFormatException extends IOException {
    public IdxFormatException(String message) {
      super(message);
    }
  }
}
