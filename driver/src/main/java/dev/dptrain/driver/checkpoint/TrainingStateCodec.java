package dev.dptrain.driver.checkpoint;

import dev.dptrain.model.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/**
 * Binary form of a {@link TrainingState} (checkpoints). Layout, big-endian:
 * <pre>
 *   "DPTC" | version:int | body length:long | body | crc32(body):long
 *   body = seed:long step:long epoch:int stepInEpoch:long
 *          params:floats optimizerState:floats normState:floats    (floats = count:int + IEEE 754 floats)
 *          epochLossSum:double epochCount:long epochCorrect:long   (version 2 on)
 * </pre>
 * Reading checks the magic, the version and the checksum; a damaged file is an error naming it.
 * Version 1 files (no epoch sums) still load, with the epoch's sums starting from zero.
 */
public final class TrainingStateCodec {
  private static final int MAGIC = 0x44505443; // "DPTC"
  public static final int VERSION = 2;
  private static final int OLDEST_READABLE = 1;

  private TrainingStateCodec() {}

  public static byte[] encode(TrainingState s) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream(
          16 + 4 * (s.params.length + s.optimizerState.length + s.normState.length) + 64);
      DataOutputStream out = new DataOutputStream(body);
      out.writeLong(s.seed);
      out.writeLong(s.step);
      out.writeInt(s.epoch);
      out.writeLong(s.stepInEpoch);
      writeFloats(out, s.params);
      writeFloats(out, s.optimizerState);
      writeFloats(out, s.normState);
      out.writeDouble(s.epochLossSum);
      out.writeLong(s.epochCount);
      out.writeLong(s.epochCorrect);
      out.flush();
      byte[] b = body.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(b);
      ByteArrayOutputStream all = new ByteArrayOutputStream(b.length + 32);
      DataOutputStream o = new DataOutputStream(all);
      o.writeInt(MAGIC);
      o.writeInt(VERSION);
      o.writeLong(b.length);
      o.write(b);
      o.writeLong(crc.getValue());
      o.flush();
      return all.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrainingState decode(DataInputStream in, String name) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) throw new IOException(name + ": not a dptrain checkpoint (bad magic 0x" + Integer.toHexString(magic) + ")");
    int version = in.readInt();
    if (version < OLDEST_READABLE || version > VERSION) {
      throw new IOException(name + ": checkpoint format version " + version + ", this dptrain reads versions "
          + OLDEST_READABLE + " to " + VERSION);
    }
    long len = in.readLong();
    if (len < 0 || len > Integer.MAX_VALUE) throw new IOException(name + ": corrupt checkpoint length " + len);
    byte[] b = new byte[(int) len];
    try {
      in.readFully(b);
      long stored = in.readLong();
      CRC32 crc = new CRC32();
      crc.update(b);
      if (crc.getValue() != stored) throw new IOException(name + ": checkpoint checksum mismatch (file damaged)");
    } catch (java.io.EOFException e) {
      throw new IOException(name + ": truncated checkpoint");
    }
    DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(b));
    long seed = d.readLong();
    long step = d.readLong();
    int epoch = d.readInt();
    long stepInEpoch = d.readLong();
    TrainingState s = new TrainingState(readFloats(d), readFloats(d), readFloats(d), seed);
    s.step = step;
    s.epoch = epoch;
    s.stepInEpoch = stepInEpoch;
    if (version >= 2) {
      s.epochLossSum = d.readDouble();
      s.epochCount = d.readLong();
      s.epochCorrect = d.readLong();
    }
    return s;
  }

  static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer bb = ByteBuffer.allocate(4 * a.length).order(ByteOrder.BIG_ENDIAN);
    bb.asFloatBuffer().put(a);
    out.write(bb.array());
  }

  static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] b = new byte[4 * n];
    in.readFully(b);
    float[] a = new float[n];
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a);
    return a;
  }
}
