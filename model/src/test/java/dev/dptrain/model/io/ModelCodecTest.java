package dev.dptrain.model.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.data.Standardizer;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The binary model format (docs/model-format.md): round trip and refusal of damaged input. */
class ModelCodecTest {
  private static final String CONFIG = """
      model { input = [2, 3, 3], loss = softmax_cross_entropy,
        layers = [ { type = batchnorm }, { type = dense, units = 8 }, { type = relu }, { type = dense, units = 4 } ] }
      """;
  private static final String VECTOR_CONFIG = """
      model { input = [3], loss = mse, layers = [ { type = dense, units = 1 } ] }
      """;

  private static Network net(String config) {
    return Network.build(NetworkConfigParser.parse(Conf.parseString(config, "test").object("model")));
  }

  private static SavedModel model(long seed, Standardizer st) {
    Network net = net(CONFIG);
    float[] state = net.initState();
    Rng rng = new Rng(seed);
    for (int i = 0; i < state.length; i++) state[i] = 0.5f + (float) rng.nextDouble();
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("test.accuracy", 0.875);
    metrics.put("test.loss", -0.0);
    return new SavedModel(CONFIG, net.initParams(seed), state, st, SavedModel.classesOf(net),
        new SavedModel.Provenance("1.2.3-é", seed, 3, 1L << 40, metrics, run()));
  }

  private static RunProvenance run() {
    return new RunProvenance("{\"model\":{},\"train\":{\"seed\":7}}", Instant.parse("2026-11-30T03:41:07.123456Z"),
        new RunProvenance.Environment("3.5.1", "17.0.9", "Eclipse Adoptium", "JNIBLAS (/usr/lib/libopenblas.so.0)",
            "Linux 6.1.0", "amd64"),
        new RunProvenance.DataOrigin("idx", List.of("hdfs:///d/train-images", "hdfs:///d/train-labels"),
            List.of("t10k-images", "t10k-labels"), 60_000, 10_000));
  }

  private static Standardizer perChannel() {
    return new Standardizer(Standardizer.Mode.STANDARDIZE, true, new float[] {0.25f, -1f}, new float[] {2f, 0.5f});
  }

  private static void assertSameModel(SavedModel m, SavedModel back) {
    assertEquals(m.networkConfig(), back.networkConfig());
    assertArrayEquals(m.params(), back.params());
    assertArrayEquals(m.state(), back.state());
    assertEquals(m.standardizer().mode(), back.standardizer().mode());
    assertEquals(m.standardizer().perChannel(), back.standardizer().perChannel());
    assertArrayEquals(m.standardizer().mean(), back.standardizer().mean());
    assertArrayEquals(m.standardizer().std(), back.standardizer().std());
    assertEquals(m.classes(), back.classes());
    assertEquals(m.provenance(), back.provenance());
    assertEquals(m.recipe(), back.recipe());
    assertEquals(Arrays.asList(m.provenance().metrics().keySet().toArray()),
        Arrays.asList(back.provenance().metrics().keySet().toArray()), "metric order");
  }

  @Test
  void roundTripKeepsEveryField() throws IOException {
    SavedModel m = model(7, perChannel());
    byte[] bytes = ModelCodec.encode(m);
    SavedModel back = ModelCodec.decode(bytes, "m.dptm");
    assertSameModel(m, back);
    assertEquals(4, back.classes());
    // Encoding is deterministic: the decoded model encodes to the same bytes.
    assertArrayEquals(bytes, ModelCodec.encode(back));
    // Header: magic "DPTM", version, body length; trailer: CRC-32 of the body.
    ByteBuffer b = ByteBuffer.wrap(bytes);
    assertEquals(0x4450544d, b.getInt());
    assertEquals(ModelCodec.VERSION, b.getInt());
    long len = b.getLong();
    assertEquals(bytes.length - 24, len);
    CRC32 crc = new CRC32();
    crc.update(bytes, 16, (int) len);
    assertEquals(crc.getValue(), ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong());
  }

  @Test
  void runProvenanceRoundTripsAndIsOptional() throws IOException {
    SavedModel m = model(5, perChannel());
    SavedModel back = ModelCodec.decode(ModelCodec.encode(m), "m");
    assertEquals(run(), back.provenance().run());
    assertEquals(List.of("t10k-images", "t10k-labels"), back.provenance().run().data().testPaths());
    // A model without run details (e.g. re-saved from a version-1 file) still writes the current version.
    SavedModel bare = new SavedModel(m.networkConfig(), m.params(), m.state(), m.standardizer(), m.classes(),
        new SavedModel.Provenance("v", 1, 2, 3, Map.of("a", 1.0)));
    byte[] bytes = ModelCodec.encode(bare);
    assertEquals(ModelCodec.VERSION, ByteBuffer.wrap(bytes).getInt(4));
    assertSameModel(bare, ModelCodec.decode(bytes, "m"));
    assertEquals(null, ModelCodec.decode(bytes, "m").provenance().run());
    // No test data: empty path lists round-trip as empty.
    RunProvenance noTest = new RunProvenance("", run().trainedAt(), run().environment(),
        new RunProvenance.DataOrigin("csv", List.of("a.csv"), List.of(), 3, 0));
    SavedModel withoutTest = new SavedModel(m.networkConfig(), m.params(), m.state(), m.standardizer(), m.classes(),
        new SavedModel.Provenance("v", 1, 2, 3, Map.of(), noTest));
    assertEquals(noTest, ModelCodec.decode(ModelCodec.encode(withoutTest), "m").provenance().run());
    // The run record costs bytes exactly where the format says: one flag byte when absent.
    assertTrue(ModelCodec.encode(m).length > bytes.length + 100);
  }

  @Test
  void dataRecipeRoundTripsAndIsOptional() throws IOException {
    SavedModel m = model(5, perChannel());
    // string labels in class order, a CSV read with a header and ';', a standardised target
    DataRecipe recipe = new DataRecipe("csv", true, ';', "kind", null,
        LabelValues.of(List.of("b", "a", "c", "-1")), 2.5f, 0.75f);
    SavedModel with = new SavedModel(m.networkConfig(), m.params(), m.state(), m.standardizer(), m.classes(),
        m.provenance(), recipe);
    SavedModel back = ModelCodec.decode(ModelCodec.encode(with), "m");
    assertSameModel(with, back);
    assertEquals(List.of("b", "a", "c", "-1"), back.recipe().labels().values());
    assertEquals(';', back.recipe().delimiter());
    assertEquals(null, back.recipe().featuresColumn());
    assertEquals(2.5 + 0.75 * 2, back.recipe().target(2), 0.0);
    // None recorded: one flag byte, read back as UNKNOWN.
    assertEquals(DataRecipe.UNKNOWN, ModelCodec.decode(ModelCodec.encode(m), "m").recipe());
    assertTrue(ModelCodec.encode(with).length > ModelCodec.encode(m).length + 20);
    // A label list that does not fit the class count is refused (4 classes here).
    SavedModel wrong = new SavedModel(m.networkConfig(), m.params(), m.state(), m.standardizer(), m.classes(),
        m.provenance(), new DataRecipe("csv", false, ',', "0", null, LabelValues.of(List.of("x", "y")), 0f, 1f));
    assertMessage(assertThrows(IOException.class, () -> ModelCodec.decode(ModelCodec.encode(wrong), "w.dptm")),
        "w.dptm: 2 label values for 4 classes");
  }

  @Test
  void versionTwoFileWrittenByTheOldCodeStillLoads() throws IOException {
    // model-v2.dptm was written by ModelCodec format version 2 (before the data recipe) from
    // model-v1.dptm: the same model, with an empty run record.
    byte[] v1;
    byte[] v2;
    try (InputStream a = ModelCodecTest.class.getResourceAsStream("model-v1.dptm");
         InputStream b = ModelCodecTest.class.getResourceAsStream("model-v2.dptm")) {
      v1 = a.readAllBytes();
      v2 = b.readAllBytes();
    }
    assertEquals(2, ByteBuffer.wrap(v2).getInt(4));
    SavedModel m = ModelCodec.decode(v2, "model-v2.dptm");
    assertSameModel(ModelCodec.decode(v1, "model-v1.dptm"), m);
    assertEquals(DataRecipe.UNKNOWN, m.recipe());
    byte[] again = ModelCodec.encode(m);
    assertEquals(ModelCodec.VERSION, ByteBuffer.wrap(again).getInt(4));
    assertSameModel(m, ModelCodec.decode(again, "m"));
  }

  @Test
  void currentEnvironmentNamesThisJvm() {
    RunProvenance.Environment env = RunProvenance.Environment.current("9.9.9");
    assertEquals("9.9.9", env.spark());
    assertEquals(System.getProperty("java.version"), env.java());
    assertEquals(System.getProperty("java.vendor"), env.javaVendor());
    assertEquals(System.getProperty("os.arch"), env.arch());
    assertTrue(env.os().startsWith(System.getProperty("os.name") + " "), env.os());
    assertTrue(env.blas().contains("BLAS"), env.blas());
    Instant before = Instant.now();
    RunProvenance r = RunProvenance.now("{}", "9.9.9", run().data());
    assertTrue(!r.trainedAt().isBefore(before) && !r.trainedAt().isAfter(Instant.now()), r.trainedAt().toString());
    assertEquals("{}", r.config());
    assertEquals(run().data(), r.data());
  }

  @Test
  void versionOneFileWrittenByTheOldCodeStillLoads() throws IOException {
    // model-v1.dptm was written by ModelCodec format version 1 (before the run record existed).
    byte[] bytes;
    try (InputStream in = ModelCodecTest.class.getResourceAsStream("model-v1.dptm")) {
      bytes = in.readAllBytes();
    }
    assertEquals(1, ByteBuffer.wrap(bytes).getInt(4));
    SavedModel m = ModelCodec.decode(bytes, "model-v1.dptm");
    Network net = Network.build(m.spec());
    assertArrayEquals(net.initParams(11), m.params(), "the v1 file holds initParams(11)");
    float[] state = new float[net.stateCount()];
    for (int i = 0; i < state.length; i++) state[i] = 0.5f + i / 64f;
    assertArrayEquals(state, m.state());
    assertEquals(4, m.classes());
    assertEquals(Standardizer.Mode.STANDARDIZE, m.standardizer().mode());
    assertArrayEquals(new float[] {0.25f, -1f}, m.standardizer().mean());
    assertArrayEquals(new float[] {2f, 0.5f}, m.standardizer().std());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("train.loss", 0.25);
    metrics.put("test.accuracy", 0.875);
    metrics.put("test.examples", 1000.0);
    assertEquals(new SavedModel.Provenance("0.1.0", 11, 3, 42, metrics), m.provenance());
    // A reader of version 2 only names the one version it reads.
    IOException only = assertThrows(IOException.class, () -> Framing.decode(bytes, ModelCodec.MAGIC, "model", 2, 2, "x"));
    assertEquals("x: model format version 1, this dptrain reads version 2", only.getMessage());
    // Saved again, it becomes a version-2 file with the same content.
    byte[] again = ModelCodec.encode(m);
    assertEquals(ModelCodec.VERSION, ByteBuffer.wrap(again).getInt(4));
    assertSameModel(m, ModelCodec.decode(again, "m"));
  }

  @Test
  void damagedRunRecordIsRefused() throws IOException {
    byte[] good = ModelCodec.encode(model(5, perChannel()));
    RunProvenance r = run();
    // Replace the ISO time by text of the same length that is no time, and fix the checksum.
    String iso = r.trainedAt().toString();
    byte[] bad = replace(good, iso, "x".repeat(iso.length()));
    assertMessage(refused(bad), "bad.dptm: corrupt model: bad training time");
    // A path count larger than the rest of the body.
    byte[] count = replace(good, "\u0000\u0000\u0000\u0002\u0000\u0000\u0000\u0016hdfs", "\u0000\u0001\u0000\u0002\u0000\u0000\u0000\u0016hdfs");
    assertMessage(refused(count), "bad.dptm: corrupt model: corrupt string count 65538");
  }

  /** The file with one ISO-8859-1 string replaced by another of the same length, checksum recomputed. */
  private static byte[] replace(byte[] file, String from, String to) {
    String s = new String(file, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = s.indexOf(from);
    assertTrue(at > 0, "found " + from);
    byte[] out = file.clone();
    System.arraycopy(to.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, out, at, to.length());
    CRC32 crc = new CRC32();
    crc.update(out, 16, out.length - 24);
    ByteBuffer.wrap(out).putLong(out.length - 8, crc.getValue());
    return out;
  }

  @Test
  void noStandardisationRoundTripsAsNone() throws IOException {
    SavedModel back = ModelCodec.decode(ModelCodec.encode(model(3, Standardizer.NONE)), "m");
    assertSame(Standardizer.NONE, back.standardizer());
  }

  @Test
  void fittedStandardizerWithAConstantFeatureRoundTrips() throws IOException {
    // Feature 1 is constant: its scale 1 is what is stored, so the decoded transform is the same.
    float[] x = {1, 5, 0, 2, 5, 1, 4, 5, 2};
    Standardizer st = Standardizer.fit(new Dataset(Shape.vector(3), 1, x, new float[3]), Standardizer.Mode.STANDARDIZE, true);
    assertArrayEquals(new int[] {1}, st.constantGroups());
    Network net = net(VECTOR_CONFIG);
    SavedModel m = new SavedModel(VECTOR_CONFIG, net.initParams(1), net.initState(), st, 0,
        new SavedModel.Provenance("t", 1, 1, 1, Map.of()));
    SavedModel back = ModelCodec.decode(ModelCodec.encode(m), "m");
    assertSameModel(m, back);
    float[] a = {3, 6, 1};
    float[] b = a.clone();
    st.apply(a, 1, Shape.vector(3));
    back.standardizer().apply(b, 1, Shape.vector(3));
    assertArrayEquals(a, b);
    assertEquals(1f, b[1], "x - mean for the constant feature");
    assertEquals(0, back.classes());
  }

  private static IOException refused(byte[] bytes) {
    return assertThrows(IOException.class, () -> ModelCodec.decode(bytes, "bad.dptm"));
  }

  private static void assertMessage(IOException e, String... parts) {
    for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' in: " + e.getMessage());
  }

  @Test
  void everyFlippedByteIsRefused() throws IOException {
    byte[] good = ModelCodec.encode(model(1, perChannel()));
    for (int i = 0; i < good.length; i += Math.max(1, good.length / 97)) {
      byte[] bad = good.clone();
      bad[i] ^= 0x10;
      IOException e = refused(bad);
      assertTrue(e.getMessage().startsWith("bad.dptm: "), "byte " + i + ": " + e.getMessage());
    }
    byte[] bad = good.clone();
    bad[good.length / 2] ^= 1;
    assertMessage(refused(bad), "bad.dptm: model checksum mismatch");
  }

  @Test
  void truncatedFilesAreRefused() throws IOException {
    byte[] good = ModelCodec.encode(model(1, perChannel()));
    for (int cut : new int[] {0, 3, 4, 8, 15, 16, 100, good.length - 8, good.length - 1}) {
      IOException e = refused(Arrays.copyOf(good, cut));
      assertTrue(e.getMessage().startsWith("bad.dptm: ") && (e.getMessage().contains("truncated")),
          "cut at " + cut + ": " + e.getMessage());
    }
    assertMessage(refused(Arrays.copyOf(good, 100)), "header says " + (good.length - 24) + " body bytes, file has 100");
    assertMessage(refused(new byte[0]), "truncated model file (0 bytes)");
  }

  @Test
  void headerProblemsAreNamed() throws IOException {
    byte[] good = ModelCodec.encode(model(1, perChannel()));
    byte[] magic = good.clone();
    magic[0] = 'X';
    assertMessage(refused(magic), "bad.dptm: not a dptrain model (bad magic 0x5850544d)");
    byte[] version = good.clone();
    ByteBuffer.wrap(version).putInt(4, 99);
    assertMessage(refused(version), "model format version 99, this dptrain reads versions 1 to " + ModelCodec.VERSION);
    ByteBuffer.wrap(version).putInt(4, 0);
    assertMessage(refused(version), "model format version 0, this dptrain reads versions 1 to " + ModelCodec.VERSION);
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).putLong(8, -5);
    assertMessage(refused(negative), "truncated or corrupt model");
    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertMessage(refused(trailing), "3 unexpected bytes after the model");
  }

  /** A well-formed file (right length and checksum) around the given body. */
  private static byte[] wrap(byte[] body) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(all);
    o.writeInt(0x4450544d);
    o.writeInt(ModelCodec.VERSION);
    o.writeLong(body.length);
    o.write(body);
    CRC32 crc = new CRC32();
    crc.update(body);
    o.writeLong(crc.getValue());
    return all.toByteArray();
  }

  private static byte[] body(byte[] file) {
    return Arrays.copyOfRange(file, 16, file.length - 8);
  }

  @Test
  void consistentButWrongContentIsRefused() throws IOException {
    // Parameters that do not fit the stored network.
    SavedModel m = model(1, perChannel());
    SavedModel shortParams = new SavedModel(CONFIG, Arrays.copyOf(m.params(), m.params().length - 1), m.state(),
        m.standardizer(), 4, m.provenance());
    int want = net(CONFIG).paramCount();
    assertMessage(refused(ModelCodec.encode(shortParams)), "bad.dptm: model holds " + (want - 1) + " parameters",
        "its network needs " + want);
    // A standardizer with the wrong number of groups (input has 2 channels).
    SavedModel groups = new SavedModel(CONFIG, m.params(), m.state(),
        new Standardizer(Standardizer.Mode.CENTER, true, new float[3], new float[] {1, 1, 1}), 4, m.provenance());
    assertMessage(refused(ModelCodec.encode(groups)), "standardizer has 3 groups", "needs 2");
    // A config that no longer parses.
    SavedModel badConfig = new SavedModel(CONFIG.replace("units = 8", "units = -8"), m.params(), m.state(),
        m.standardizer(), 4, m.provenance());
    assertMessage(refused(ModelCodec.encode(badConfig)), "bad.dptm: stored network config is invalid");
    // A body whose inner counts run past its end, with a valid checksum.
    byte[] b = body(ModelCodec.encode(m));
    byte[] huge = b.clone();
    ByteBuffer.wrap(huge).putInt(0, Integer.MAX_VALUE); // config string length
    assertMessage(refused(wrap(huge)), "bad.dptm: corrupt model: corrupt string length");
    byte[] floats = b.clone();
    int configBytes = ByteBuffer.wrap(b).getInt(0);
    // config string, classes, mode string ("STANDARDIZE"), perChannel, then the mean's float count
    int meanCount = 4 + configBytes + 4 + 4 + "STANDARDIZE".length() + 1;
    assertEquals(2, ByteBuffer.wrap(b).getInt(meanCount), "layout as documented");
    ByteBuffer.wrap(floats).putInt(meanCount, 1 << 29);
    assertMessage(refused(wrap(floats)), "bad.dptm: corrupt model: corrupt float count");
    byte[] cut = Arrays.copyOf(b, b.length - 5); // ends inside the last metric's value
    assertMessage(refused(wrap(cut)), "bad.dptm: corrupt model: the body ends before its last field");
  }
  @Test
  void emptyStringsAndEdgeLengths() throws IOException {
    // Empty version string and metric name are valid strings of length 0.
    Network net = net(VECTOR_CONFIG);
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("", 1.5);
    SavedModel m = new SavedModel(VECTOR_CONFIG, net.initParams(2), net.initState(), Standardizer.NONE, 0,
        new SavedModel.Provenance("", 2, 1, 1, metrics));
    assertSameModel(m, ModelCodec.decode(ModelCodec.encode(m), "m"));
    // A header length equal to the file length: more than the body can be.
    byte[] good = ModelCodec.encode(m);
    byte[] whole = good.clone();
    ByteBuffer.wrap(whole).putLong(8, good.length);
    assertMessage(refused(whole), "bad.dptm: truncated model file (" + good.length + " bytes)");
    // An empty body with its right checksum.
    assertMessage(refused(wrap(new byte[0])), "bad.dptm: corrupt model: the body ends before its last field");
    // Content errors carry the file name once.
    SavedModel shortParams = new SavedModel(VECTOR_CONFIG, new float[1], net.initState(), Standardizer.NONE, 0,
        m.provenance());
    assertTrue(refused(ModelCodec.encode(shortParams)).getMessage().startsWith("bad.dptm: model holds 1 parameters"));
    SavedModel longState = new SavedModel(VECTOR_CONFIG, m.params(), new float[2], Standardizer.NONE, 0, m.provenance());
    assertTrue(refused(ModelCodec.encode(longState)).getMessage().startsWith("bad.dptm: model holds 4 parameters and 2 state floats"));
    // A std with another group count than the mean.
    SavedModel stdGroups = new SavedModel(VECTOR_CONFIG, m.params(), m.state(),
        new Standardizer(Standardizer.Mode.STANDARDIZE, true, new float[3], new float[] {1, 1}), 0, m.provenance());
    assertMessage(refused(ModelCodec.encode(stdGroups)), "standardizer has 3 groups");
    // Standardisation NONE ignores the stored arrays' lengths.
    SavedModel none = new SavedModel(VECTOR_CONFIG, m.params(), m.state(),
        new Standardizer(Standardizer.Mode.NONE, true, new float[7], new float[] {1}), 0, m.provenance());
    assertSame(Standardizer.NONE, ModelCodec.decode(ModelCodec.encode(none), "m").standardizer());
  }

  @Test
  void classesAndVersion() {
    assertEquals(4, SavedModel.classesOf(net(CONFIG)));
    assertEquals(0, SavedModel.classesOf(net(VECTOR_CONFIG)));
    assertEquals(2, SavedModel.classesOf(net(VECTOR_CONFIG.replace("mse", "sigmoid_binary_cross_entropy"))));
    assertEquals(0, SavedModel.classesOf(net(VECTOR_CONFIG.replace("mse", "sigmoid_binary_cross_entropy")
        .replace("units = 1", "units = 3"))), "multi-label sigmoid outputs are not one class");
    String v = DptrainVersion.get();
    assertTrue(v.matches("\\d+\\.\\d+\\.\\d+.*"), "version from the filtered resource: " + v);
  }

  /** Layers too big for any model file: refused by their parameter count (overflow-safe) before allocation. */
  @Test
  void hugeLayersAreRefusedBeforeTheNetworkIsBuilt() throws IOException {
    SavedModel m = model(1, perChannel());
    for (String units : new String[] {"units = 300000000", "units = 2147483647"}) {
      SavedModel huge = new SavedModel(CONFIG.replace("units = 8", units), m.params(), m.state(), m.standardizer(), 4,
          m.provenance());
      Runtime rt = Runtime.getRuntime();
      long before = rt.totalMemory() - rt.freeMemory();
      assertMessage(refused(ModelCodec.encode(huge)), "bad.dptm: ", "parameters");
      assertTrue(rt.totalMemory() - rt.freeMemory() - before < (64 << 20), "no large allocation");
    }
    // A 300,000,000-unit layer on one input (600 M parameters, no overflow) followed by batch
    // norm: refused by the file's parameter count before the batch norm allocates 300 M channels.
    String oneInput = "model { input = [1], loss = mse, layers = [ { type = dense, units = 300000000 }, "
        + "{ type = batchnorm }, { type = dense, units = 2 } ] }";
    SavedModel wide1 = new SavedModel(oneInput, new float[10], new float[0], Standardizer.NONE, 2, m.provenance());
    Runtime rt = Runtime.getRuntime();
    long before = rt.totalMemory() - rt.freeMemory();
    assertMessage(refused(ModelCodec.encode(wide1)), "bad.dptm: model holds 10 parameters, its network needs 600000000 or more");
    assertTrue(rt.totalMemory() - rt.freeMemory() - before < (64 << 20), "no large allocation");
    // 65536 x 65536 overflows int: must not pass as 65,536.
    String wide = "model { input = [65536], loss = mse, layers = [ { type = dense, units = 65536 } ] }";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net(wide));
    assertTrue(e.getMessage().contains("more than 2147483647 parameters"), e.getMessage());
  }
}
