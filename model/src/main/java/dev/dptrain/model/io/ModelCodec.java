package dev.dptrain.model.io;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Standardizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * Binary form of a {@link SavedModel}; the layout is specified in docs/model-format.md:
 * <pre>
 *   "DPTM" | version:int | body length:long | body | crc32(body):long        (big-endian)
 *   body = networkConfig:str classes:int
 *          standardizer: mode:str perChannel:bool mean:floats std:floats
 *          params:floats state:floats
 *          provenance: dptrainVersion:str seed:long epochs:int steps:long
 *                      metrics: count:int (name:str value:double)*
 *   str = byte count:int + UTF-8;  floats = count:int + IEEE 754 float32
 * </pre>
 * Decoding checks the magic, version, length, checksum, and that the parameter and state
 * counts match the network rebuilt from the stored config; errors name the file.
 */
public final class ModelCodec {
  static final int MAGIC = 0x4450544d; // "DPTM"
  public static final int VERSION = 1;

  private ModelCodec() {}

  public static byte[] encode(SavedModel m) {
    try {
      ByteArrayOutputStream body = new ByteArrayOutputStream(4 * (m.params().length + m.state().length) + 4096);
      DataOutputStream out = new DataOutputStream(body);
      writeString(out, m.networkConfig());
      out.writeInt(m.classes());
      Standardizer st = m.standardizer();
      writeString(out, st.mode().name());
      out.writeBoolean(st.perChannel());
      writeFloats(out, st.mean());
      writeFloats(out, st.std());
      writeFloats(out, m.params());
      writeFloats(out, m.state());
      SavedModel.Provenance p = m.provenance();
      writeString(out, p.dptrainVersion());
      out.writeLong(p.seed());
      out.writeInt(p.epochs());
      out.writeLong(p.steps());
      out.writeInt(p.metrics().size());
      for (var e : p.metrics().entrySet()) {
        writeString(out, e.getKey());
        out.writeDouble(e.getValue());
      }
      out.flush();
      byte[] b = body.toByteArray();
      CRC32 crc = new CRC32();
      crc.update(b);
      ByteArrayOutputStream all = new ByteArrayOutputStream(b.length + 24);
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

  public static SavedModel decode(byte[] bytes, String name) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    byte[] b;
    try {
      int magic = in.readInt();
      if (magic != MAGIC) throw new IOException(name + ": not a dptrain model (bad magic 0x" + Integer.toHexString(magic) + ")");
      int version = in.readInt();
      if (version != VERSION) {
        throw new IOException(name + ": model format version " + version + ", this dptrain reads version " + VERSION);
      }
      long len = in.readLong();
      if (len < 0 || len > bytes.length) {
        throw new IOException(name + ": truncated or corrupt model: header says " + len + " body bytes, file has " + bytes.length);
      }
      b = new byte[(int) len];
      in.readFully(b);
      long stored = in.readLong();
      CRC32 crc = new CRC32();
      crc.update(b);
      if (crc.getValue() != stored) throw new IOException(name + ": model checksum mismatch (file damaged)");
      if (in.available() > 0) throw new IOException(name + ": " + in.available() + " unexpected bytes after the model");
    } catch (EOFException e) {
      throw new IOException(name + ": truncated model file (" + bytes.length + " bytes)");
    }
    try {
      return body(new DataInputStream(new ByteArrayInputStream(b)), name);
    } catch (EOFException e) {
      // A body that passed the checksum but ends early (written so, or a forged length).
      throw new IOException(name + ": corrupt model: the body ends before its last field", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(name + ": ")) throw e;
      throw new IOException(name + ": corrupt model: " + e.getMessage(), e);
    }
  }

  private static SavedModel body(DataInputStream d, String name) throws IOException {
    String config = readString(d);
    int classes = d.readInt();
    Standardizer.Mode mode = Standardizer.Mode.parse(readString(d));
    boolean perChannel = d.readBoolean();
    Standardizer st = mode == Standardizer.Mode.NONE ? skipNone(d)
        : new Standardizer(mode, perChannel, readFloats(d), readFloats(d));
    float[] params = readFloats(d);
    float[] state = readFloats(d);
    String version = readString(d);
    long seed = d.readLong();
    int epochs = d.readInt();
    long steps = d.readLong();
    int nm = d.readInt();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int i = 0; i < nm; i++) metrics.put(readString(d), d.readDouble());
    SavedModel m = new SavedModel(config, params, state, st, classes,
        new SavedModel.Provenance(version, seed, epochs, steps, metrics));
    NetworkSpec spec;
    try {
      spec = m.spec();
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": stored network config is invalid: " + e.getMessage(), e);
    }
    Network net = Network.build(spec);
    if (params.length != net.paramCount() || state.length != net.stateCount()) {
      throw new IOException(name + ": model holds " + params.length + " parameters and " + state.length
          + " state floats, its network needs " + net.paramCount() + " and " + net.stateCount());
    }
    int groups = st.mean().length;
    int want = perChannel ? spec.input().channels() : 1;
    if (mode != Standardizer.Mode.NONE && (groups != want || st.std().length != want)) {
      throw new IOException(name + ": standardizer has " + groups + " groups, input " + spec.input() + " needs " + want);
    }
    return m;
  }

  private static Standardizer skipNone(DataInputStream d) throws IOException {
    readFloats(d);
    readFloats(d);
    return Standardizer.NONE;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) throw new IOException("corrupt string length " + n);
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
    out.writeInt(a.length);
    ByteBuffer bb = ByteBuffer.allocate(4 * a.length).order(ByteOrder.BIG_ENDIAN);
    bb.asFloatBuffer().put(a);
    out.write(bb.array());
  }

  private static float[] readFloats(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || 4L * n > in.available()) throw new IOException("corrupt float count " + n);
    byte[] b = new byte[4 * n];
    in.readFully(b);
    float[] a = new float[n];
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(a);
    return a;
  }
}
