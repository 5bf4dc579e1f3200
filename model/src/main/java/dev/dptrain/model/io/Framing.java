package dev.dptrain.model.io;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * The frame shared by dptrain's binary files (saved models, checkpoints), big-endian:
 * <pre>
 *   magic:int | version:int | body length:long | body | crc32(body):long
 *   floats = count:int + IEEE 754 float32
 * </pre>
 * Reading checks the magic, that the version is one this dptrain reads, the length and the
 * checksum; every error names the file and what kind of file it should be.
 */
public final class Framing {
  private Framing() {}

  /** Writes a body into a {@link DataOutputStream}. */
  @FunctionalInterface
  public interface BodyWriter {
    void write(DataOutputStream out) throws IOException;
  }

  /** A checked body and the format version it was written in. */
  public record Body(int version, DataInputStream in) {}

  /** The whole framed file: the body that {@code writer} writes, with header and checksum. */
  public static byte[] encode(int magic, int version, int sizeHint, BodyWriter writer) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream(sizeHint);
      DataOutputStream out = new DataOutputStream(body);
      writer.write(out);
      out.flush();
      byte[] b = body.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(b);
      ByteArrayOutputStream all = new ByteArrayOutputStream(b.length + 24);
      DataOutputStream o = new DataOutputStream(all);
      o.writeInt(magic);
      o.writeInt(version);
      o.writeLong(b.length);
      o.write(b);
      o.writeLong(crc.getValue());
      o.flush();
      return all.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks the frame of a whole file and returns its body.
   *
   * @param what the kind of file, for errors ("model", "checkpoint")
   * @param oldest the oldest version this dptrain still reads
   * @param newest the version it writes
   * @param name the file, for errors
   */
  public static Body decode(byte[] bytes, int magic, String what, int oldest, int newest, String name)
      throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      int m = in.readInt();
      if (m != magic) throw new IOException(name + ": not a dptrain " + what + " (bad magic 0x" + Integer.toHexString(m) + ")");
      int version = in.readInt();
      if (version < oldest || version > newest) {
        throw new IOException(name + ": " + what + " format version " + version + ", this dptrain reads "
            + (oldest == newest ? "version " + newest : "versions " + oldest + " to " + newest));
      }
      long len = in.readLong();
      if (len < 0 || len > bytes.length) { // nothing is allocated beyond the file's own size
        throw new IOException(name + ": truncated or corrupt " + what + ": header says " + len + " body bytes, file has "
            + bytes.length);
      }
      byte[] b = new byte[(int) len];
      in.readFully(b);
      long stored = in.readLong();
      CRC32 crc = new CRC32();
      crc.update(b);
      if (crc.getValue() != stored) throw new IOException(name + ": " + what + " checksum mismatch (file damaged)");
      if (in.available() > 0) throw new IOException(name + ": " + in.available() + " unexpected bytes after the " + what);
      return new Body(version, new DataInputStream(new ByteArrayInputStream(b)));
    } catch (EOFException e) {
      throw new IOException(name + ": truncated " + what + " file (" + bytes.length + " bytes)");
    }
  }

  public static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer bb = ByteBuffer.allocate(4 * a.length).order(ByteOrder.BIG_ENDIAN);
    bb.asFloatBuffer().put(a);
    out.write(bb.array());
  }

  public static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    // Bounded by the bytes left before allocating (a body is in memory, so available() is exact).
    if (n < 0 || 4L * n > in.available()) {
      throw new IOException("corrupt float count " + n + " (" + in.available() + " bytes left)");
    }
    byte[] b = new byte[4 * n];
    in.readFully(b);
    float[] a = new float[n];
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a);
    return a;
  }
}
