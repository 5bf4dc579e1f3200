package dev.dptrain.model.io;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.data.Standardizer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 *          run: recorded:bool, then if recorded (version 2 on; absent in version 1):
 *               config:str trainedAt:str (ISO-8601 instant)
 *               spark:str java:str javaVendor:str blas:str os:str arch:str
 *               dataFormat:str trainPaths:strs testPaths:strs trainExamples:long testExamples:long
 *          recipe (version 3 on): recorded:bool, then if recorded:
 *               format:str header:bool delimiter:int labelColumn:opt featuresColumn:opt
 *               labels:strs targetMean:float targetStd:float
 *   str = byte count:int + UTF-8;  strs = count:int + str*;  floats = count:int + IEEE 754 float32
 *   opt = present:bool, then str if present
 * </pre>
 * Version 1 files (no run record) still load, with {@code provenance().run()} null; version 1
 * and 2 files (no recipe) load with {@link DataRecipe#UNKNOWN}.
 * The frame is {@link Framing}'s. Decoding checks the magic, version, length, checksum, and that
 * the parameter and state
 * counts match the network rebuilt from the stored config; errors name the file.
 */
public final class ModelCodec {
  static final int MAGIC = 0x4450544d; // "DPTM"
  public static final int VERSION = 3;
  /** The oldest version this dptrain reads. */
  static final int OLDEST = 1;

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
      writeRun(out, p.run());
      writeRecipe(out, m.recipe());
    });
  }

  public static SavedModel decode(byte[] bytes, String name) throws IOException {
    Framing.Body body = Framing.decode(bytes, MAGIC, "model", OLDEST, VERSION, name);
    try {
      return body(body.in(), body.version(), name);
    } catch (EOFException e) {
      // A body that passed the checksum but ends early (written so, or a forged length).
      throw new IOException(name + ": corrupt model: the body ends before its last field", e);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(name + ": ")) throw e;
      throw new IOException(name + ": corrupt model: " + e.getMessage(), e);
    }
  }

  private static SavedModel body(DataInputStream d, int version, String name) throws IOException {
    String config = readString(d);
    int classes = d.readInt();
    Standardizer.Mode mode = Standardizer.Mode.parse(readString(d));
    boolean perChannel = d.readBoolean();
    Standardizer st = mode == Standardizer.Mode.NONE ? skipNone(d)
        : new Standardizer(mode, perChannel, Framing.readFloats(d), Framing.readFloats(d));
    float[] params = Framing.readFloats(d);
    float[] state = Framing.readFloats(d);
    String dptrainVersion = readString(d);
    long seed = d.readLong();
    int epochs = d.readInt();
    long steps = d.readLong();
    int nm = d.readInt();
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (int i = 0; i < nm; i++) metrics.put(readString(d), d.readDouble());
    RunProvenance run = version >= 2 ? readRun(d) : null;
    DataRecipe recipe = version >= 3 ? readRecipe(d) : DataRecipe.UNKNOWN;
    SavedModel m = new SavedModel(config, params, state, st, classes,
        new SavedModel.Provenance(dptrainVersion, seed, epochs, steps, metrics, run), recipe);
    if (recipe.labels().mapped() && recipe.labels().values().size() != classes) {
      throw new IOException(name + ": " + recipe.labels().values().size() + " label values for " + classes + " classes");
    }
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

  private static void writeRun(DataOutputStream out, RunProvenance run) throws IOException {
    out.writeBoolean(run != null);
    if (run == null) return;
    writeString(out, run.config());
    writeString(out, run.trainedAt().toString());
    RunProvenance.Environment env = run.environment();
    for (String s : new String[] {env.spark(), env.java(), env.javaVendor(), env.blas(), env.os(), env.arch()}) {
      writeString(out, s);
    }
    RunProvenance.DataOrigin data = run.data();
    writeString(out, data.format());
    writeStrings(out, data.trainPaths());
    writeStrings(out, data.testPaths());
    out.writeLong(data.trainExamples());
    out.writeLong(data.testExamples());
  }

  private static RunProvenance readRun(DataInputStream d) throws IOException {
    if (!d.readBoolean()) return null;
    String config = readString(d);
    Instant at;
    try {
      at = Instant.parse(readString(d));
    } catch (DateTimeParseException e) {
      throw new IOException("bad training time: " + e.getMessage(), e);
    }
    RunProvenance.Environment env = new RunProvenance.Environment(readString(d), readString(d), readString(d),
        readString(d), readString(d), readString(d));
    RunProvenance.DataOrigin data = new RunProvenance.DataOrigin(readString(d), readStrings(d), readStrings(d),
        d.readLong(), d.readLong());
    return new RunProvenance(config, at, env, data);
  }

  private static void writeRecipe(DataOutputStream out, DataRecipe r) throws IOException {
    out.writeBoolean(r.format() != null);
    if (r.format() == null) return;
    writeString(out, r.format());
    out.writeBoolean(r.header());
    out.writeInt(r.delimiter());
    writeOptional(out, r.labelColumn());
    writeOptional(out, r.featuresColumn());
    writeStrings(out, r.labels().values());
    out.writeFloat(r.targetMean());
    out.writeFloat(r.targetStd());
  }

  private static DataRecipe readRecipe(DataInputStream d) throws IOException {
    if (!d.readBoolean()) return DataRecipe.UNKNOWN;
    String format = readString(d);
    boolean header = d.readBoolean();
    int delimiter = d.readInt();
    if (delimiter < 0 || delimiter > Character.MAX_VALUE) throw new IOException("corrupt delimiter " + delimiter);
    String labelColumn = readOptional(d);
    String featuresColumn = readOptional(d);
    List<String> labels = readStrings(d);
    try {
      return new DataRecipe(format, header, (char) delimiter, labelColumn, featuresColumn, LabelValues.of(labels),
          d.readFloat(), d.readFloat());
    } catch (IllegalArgumentException e) {
      throw new IOException("bad data recipe: " + e.getMessage(), e);
    }
  }

  private static void writeOptional(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) writeString(out, s);
  }

  private static String readOptional(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private static void writeStrings(DataOutputStream out, List<String> list) throws IOException {
    out.writeInt(list.size());
    for (String s : list) writeString(out, s);
  }

  private static List<String> readStrings(DataInputStream in) throws IOException {
    int n = in.readInt();
    // every string takes at least its 4-byte length
    if (n < 0 || 4L * n > in.available()) throw new IOException("corrupt string count " + n);
    List<String> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) list.add(readString(in));
    return list;
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
