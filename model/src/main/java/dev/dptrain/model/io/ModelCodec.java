package dev.dptrain.model.io;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Standardizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * The frame is {@link Framing}'s. Decoding checks the magic, version, length, checksum, and that
 * the parameter and state
 * counts match the network rebuilt from the stored config; errors name the file.
 */
public final class ModelCodec {
  static final int MAGIC = 0x4450544d; // "DPTM"
  public static final int VERSION = 1;

  private ModelCodec() {}

  public static byte[] encode(SavedModel m) {
    return Framing.encode(MAGIC, VERSION, 4 * (m.params().length + m.state().length) + 4096, out -> {
      writeString(out, m.networkConfig());
      out.writeInt(m.classes());
      Standardizer st = m.standardizer();
      writeString(out, st.mode().name());
      out.writeBoolean(st.perChannel());
      Framing.writeFloats(out, st.mean());
      Framing.writeFloats(out, st.std());
      Framing.writeFloats(out, m.params());
      Framing.writeFloats(out, m.state());
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
    });
  }

  public static SavedModel decode(byte[] bytes, String name) throws IOException {
    DataInputStream in = Framing.decode(bytes, MAGIC, "model", VERSION, VERSION, name).in();
    try {
      return body(in, name);
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
        : new Standardizer(mode, perChannel, Framing.readFloats(d), Framing.readFloats(d));
    float[] params = Framing.readFloats(d);
    float[] state = Framing.readFloats(d);
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
      // Parsed without building: the layer sizes are bounded by the file's parameters first.
      spec = NetworkConfigParser.parseUnbuilt(Conf.parseString(config, "stored model config").object("model"));
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": stored network config is invalid: " + e.getMessage(), e);
    }
    checkLayerSizes(spec, params.length, name);
    Network net;
    try {
      net = Network.build(spec); // layer sizes are checked (overflow-safe) before anything is allocated
    } catch (IllegalArgumentException e) {
      throw new IOException(name + ": stored network config is invalid: " + e.getMessage(), e);
    }
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

  /**
   * Walks the stored layers as {@link Network#build} does, refusing as soon as the layers so far
   * need more parameters than the file holds, and before a batch-norm layer allocates per-channel
   * arrays for more channels than that: a few hundred bytes declaring a 300,000,000-unit layer are
   * refused without allocating for it.
   */
  private static void checkLayerSizes(NetworkSpec spec, int paramsInFile, String name) throws IOException {
    Shape shape = spec.input();
    long needed = 0;
    int i = 0;
    int last = spec.layers().size() - 1;
    for (LayerSpec ls : spec.layers()) {
      if (ls instanceof LayerSpec.BatchNormSpec && needed + 2L * shape.channels() > paramsInFile) {
        needed += 2L * shape.channels();
      } else {
        Layer layer;
        try {
          layer = ls.create(shape);
        } catch (IllegalArgumentException e) {
          throw new IOException(name + ": stored network config is invalid: layer " + i + " (" + ls + ") on input "
              + shape + ": " + e.getMessage(), e);
        }
        needed += layer.paramCount();
        shape = layer.outputShape();
      }
      if (needed > paramsInFile) {
        throw new IOException(name + ": model holds " + paramsInFile + " parameters, its network needs " + needed
            + (i < last ? " or more (layer " + i + ", " + ls + ")" : ""));
      }
      i++;
    }
  }

  private static Standardizer skipNone(DataInputStream d) throws IOException {
    Framing.readFloats(d);
    Framing.readFloats(d);
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
}
