package dev.dptrain.worker.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import scala.Tuple2;

/**
 * IDX files (MNIST, Fashion-MNIST) read by the tasks: a header per file ({@link #header}), then
 * record ranges ({@link #read}). Images (magic 0x00000803, unsigned bytes) stay 8-bit pixels
 * ({@link PackedPixels}: value / 255 in [0, 1]), labels (0x00000801) become class indices. A plain file is split into ranges that tasks read
 * with a seek; a gzip file is one range, read from its start. Header claims are checked against
 * the file length before anything is allocated.
 */
public final class IdxRecords {
  public static final int IMAGES_MAGIC = 0x00000803;
  public static final int LABELS_MAGIC = 0x00000801;

  private IdxRecords() {}

  /**
   * What a file's header says. {@code count} records of {@code recordBytes} bytes each start at
   * byte {@code headerBytes} (of the decompressed stream for gzip).
   */
  public record Header(String path, int magic, long count, int[] dims, int recordBytes, int headerBytes,
                       boolean gzip, long fileBytes) implements Serializable {
    public boolean images() {
      return magic == IMAGES_MAGIC;
    }
  }

  /** Reads and checks the header of an IDX file of the expected kind. */
  public static Header header(String path, boolean images, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    long length = fs.getFileStatus(p).getLen();
    try (FSDataInputStream raw = fs.open(p)) {
      BufferedInputStream in = new BufferedInputStream(raw, 1 << 12);
      boolean gzip = isGzip(in);
      DataInputStream d = new DataInputStream(gzip ? gunzip(in, path) : in);
      int magic = readInt(d, path, "the 4-byte magic number");
      int want = images ? IMAGES_MAGIC : LABELS_MAGIC;
      if (magic != want) {
        throw new DataFormatException(path + ": not an IDX " + (images ? "image" : "label") + " file: magic number 0x"
            + Integer.toHexString(magic) + ", expected 0x0000080" + (images ? "3 (unsigned bytes, 3 dimensions)"
            : "1 (unsigned bytes, 1 dimension)"));
      }
      int[] dims = new int[images ? 3 : 1];
      String[] names = images ? new String[] {"image count", "rows", "columns"} : new String[] {"label count"};
      for (int i = 0; i < dims.length; i++) {
        dims[i] = readInt(d, path, "the " + names[i]);
        if (dims[i] <= 0) throw new DataFormatException(path + ": " + names[i] + " is " + dims[i] + ", expected a positive number");
      }
      long recordBytes = images ? (long) dims[1] * dims[2] : 1;
      if (recordBytes > Integer.MAX_VALUE / 4) {
        throw new DataFormatException(path + ": images of " + dims[1] + "x" + dims[2] + " pixels are too large");
      }
      int headerBytes = 4 + 4 * dims.length;
      long expected = headerBytes + dims[0] * recordBytes;
      if (!gzip && length != expected) {
        throw new DataFormatException(path + ": the header announces " + dims[0] + " records of " + recordBytes
            + " bytes (" + expected + " bytes with the header) but the file has " + length + " bytes");
      }
      return new Header(path, magic, dims[0], dims, (int) recordBytes, headerBytes, gzip, length);
    }
  }

  /**
   * Records [from, to) of {@code images} with their labels (or label 0 without a labels file),
   * keyed by (0, record number), each label checked by {@code rule}.
   */
  public static Iterator<Tuple2<RecordKey, Example>> read(Header images, Header labels, long from, long to,
                                                         LabelRule rule, Configuration conf) throws IOException {
    RangeStream im = new RangeStream(images, from, conf);
    RangeStream lb;
    try {
      lb = labels == null ? null : new RangeStream(labels, from, conf);
    } catch (IOException | RuntimeException e) {
      im.close();
      throw e;
    }
    int d = images.recordBytes();
    return new Iterator<>() {
      long next = from;

      @Override
      public boolean hasNext() {
        if (next < to) return true;
        im.close();
        if (lb != null) lb.close();
        return false;
      }

      @Override
      public Tuple2<RecordKey, Example> next() {
        if (!hasNext()) throw new NoSuchElementException();
        long i = next++;
        byte[] x = new byte[d];
        float label = 0f;
        try {
          im.read(x, i);
          if (lb != null) {
            label = lb.readByte(i);
            rule.check(label, labels.path() + ": record " + i);
          }
        } catch (IOException e) {
          im.close();
          if (lb != null) lb.close();
          throw new DataFormatException(e.getMessage());
        }
        return new Tuple2<>(new RecordKey(0, i), Example.ofPixels(x, label));
      }
    };
  }

  /** The records of one file from a start record on, sequentially. */
  private static final class RangeStream implements AutoCloseable {
    private final Header h;
    private final DataInputStream in;

    RangeStream(Header h, long from, Configuration conf) throws IOException {
      this.h = h;
      Path p = new Path(h.path());
      FSDataInputStream raw = p.getFileSystem(conf).open(p);
      try {
        long skip = h.headerBytes() + from * h.recordBytes();
        if (h.gzip()) {
          in = new DataInputStream(gunzip(new BufferedInputStream(raw, 1 << 16), h.path()));
          in.skipNBytes(skip);
        } else {
          raw.seek(skip);
          in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
        }
      } catch (EOFException e) {
        raw.close();
        throw new DataFormatException(h.path() + ": truncated: the header announces " + h.count()
            + " records but the data ends before record " + from);
      } catch (ZipException e) {
        raw.close();
        throw new DataFormatException(h.path() + ": corrupt gzip data (" + e.getMessage() + ")");
      } catch (IOException | RuntimeException e) {
        raw.close(); // e.g. a gzip header damaged since planning (gunzip's DataFormatException)
        throw e;
      }
    }

    void read(byte[] buf, long record) throws IOException {
      try {
        in.readFully(buf);
        if (h.gzip() && record == h.count() - 1) checkGzipEnd();
      } catch (EOFException e) {
        throw new IOException(h.path() + ": truncated: the header announces " + h.count() + " records of "
            + h.recordBytes() + " bytes but the data ends inside record " + record);
      } catch (ZipException e) {
        throw new IOException(h.path() + ": corrupt gzip data in record " + record + " (" + e.getMessage() + ")");
      }
    }

    float readByte(long record) throws IOException {
      try {
        int b = in.readUnsignedByte();
        if (h.gzip() && record == h.count() - 1) checkGzipEnd();
        return b;
      } catch (EOFException e) {
        throw new IOException(h.path() + ": truncated: the header announces " + h.count()
            + " labels but the data ends at label " + record);
      } catch (ZipException e) {
        throw new IOException(h.path() + ": corrupt gzip data at label " + record + " (" + e.getMessage() + ")");
      }
    }

    /** After the last record: reading on makes GZIPInputStream verify the CRC and length trailer. */
    private void checkGzipEnd() throws IOException {
      if (in.read() >= 0) {
        throw new IOException(h.path() + ": more data after the " + h.count() + " records the header announces");
      }
    }

    @Override
    public void close() {
      try {
        in.close();
      } catch (IOException ignored) {
        // reading is over
      }
    }
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  private static InputStream gunzip(InputStream in, String path) throws IOException {
    try {
      return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
    } catch (ZipException | EOFException e) {
      throw new DataFormatException(path + ": corrupt gzip data (" + e.getMessage() + ")");
    }
  }

  private static int readInt(DataInputStream in, String path, String what) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DataFormatException(path + ": truncated header: the file ends before " + what);
    } catch (ZipException e) {
      throw new DataFormatException(path + ": corrupt gzip data (" + e.getMessage() + ")");
    }
  }
}
