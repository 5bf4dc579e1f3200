package dev.dptrain.driver.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.ModelCodec;
import dev.dptrain.model.io.SavedModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The saved model file: round trip, damage detection, version check, atomic replacement. */
class ModelFormatTest {
  private static final String CONFIG = """
      model { input = [2, 3, 3], loss = softmax_cross_entropy,
        layers = [ { type = batchnorm }, { type = dense, units = 8 }, { type = relu }, { type = dense, units = 4 } ] }
      """;
  private final Configuration hadoop = new Configuration();

  @TempDir
  Path dir;

  private static SavedModel model(long seed) {
    Network net = Network.build(NetworkConfigParser.parse(Conf.parseString(CONFIG, "test").object("model")));
    float[] state = net.initState();
    Rng rng = new Rng(seed);
    for (int i = 0; i < state.length; i++) state[i] = 0.5f + (float) rng.nextDouble();
    Standardizer st = new Standardizer(Standardizer.Mode.STANDARDIZE, true, new float[] {0.25f, -1f}, new float[] {2f, 0.5f});
    return new SavedModel(CONFIG, net.initParams(seed), state, st, SavedModel.classesOf(net),
        new SavedModel.Provenance("test", seed, 3, 42, Map.of("test.accuracy", 0.875)));
  }

  private static float[] predict(SavedModel m, float[] x, int n) {
    float[] in = x.clone();
    Network net = Network.build(m.spec());
    m.standardizer().apply(in, n, net.spec().input());
    return net.predict(m.params(), m.state(), in, n).clone();
  }

  @Test
  void roundTripGivesBitIdenticalPredictions() throws IOException {
    SavedModel m = model(7);
    ModelStore.save(m, dir.resolve("model").toString(), hadoop);
    SavedModel back = ModelStore.load(dir.resolve("model").toUri().toString(), hadoop);
    assertArrayEquals(m.params(), back.params());
    assertArrayEquals(m.state(), back.state());
    assertArrayEquals(m.standardizer().mean(), back.standardizer().mean());
    assertArrayEquals(m.standardizer().std(), back.standardizer().std());
    assertEquals(m.standardizer().perChannel(), back.standardizer().perChannel());
    assertEquals(4, back.classes());
    assertEquals(m.provenance(), back.provenance());
    Rng rng = new Rng(3);
    float[] x = new float[5 * 18];
    for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextGaussian();
    float[] a = predict(m, x, 5);
    float[] b = predict(back, x, 5);
    for (int i = 0; i < a.length; i++) assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]));
  }

  @Test
  void corruptedByteIsAChecksumError() throws IOException {
    byte[] bytes = ModelCodec.encode(model(1));
    bytes[bytes.length / 2] ^= 0x10;
    IOException e = assertThrows(IOException.class, () -> ModelCodec.decode(bytes, "m.dptm"));
    assertTrue(e.getMessage().contains("m.dptm: model checksum mismatch"), e.getMessage());
  }

  @Test
  void truncatedFileIsAClearError() throws IOException {
    Path file = dir.resolve("model").resolve(ModelStore.FILE);
    ModelStore.save(model(1), dir.resolve("model").toString(), hadoop);
    byte[] all = Files.readAllBytes(file);
    // the local file system's .crc side file would catch this first; object stores have none
    Files.delete(file.resolveSibling("." + ModelStore.FILE + ".crc"));
    for (int keep : new int[] {3, 12, all.length / 2, all.length - 1}) {
      Files.write(file, Arrays.copyOf(all, keep));
      IOException e = assertThrows(IOException.class, () -> ModelStore.load(dir.resolve("model").toString(), hadoop));
      assertTrue(e.getMessage().contains(ModelStore.FILE) && e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void wrongVersionAndMagicAreClearErrors() throws IOException {
    byte[] bytes = ModelCodec.encode(model(1));
    ByteBuffer.wrap(bytes).putInt(4, ModelCodec.VERSION + 1);
    IOException e = assertThrows(IOException.class, () -> ModelCodec.decode(bytes, "m.dptm"));
    assertTrue(e.getMessage().contains("model format version " + (ModelCodec.VERSION + 1) + ", this dptrain reads versions 1 to "
        + ModelCodec.VERSION), e.getMessage());
    byte[] other = ModelCodec.encode(model(1));
    other[0] = 'X';
    e = assertThrows(IOException.class, () -> ModelCodec.decode(other, "m.dptm"));
    assertTrue(e.getMessage().contains("not a dptrain model"), e.getMessage());
  }

  @Test
  void parameterCountMustMatchTheRebuiltNetwork() {
    SavedModel m = model(1);
    SavedModel bad = new SavedModel(m.networkConfig(), Arrays.copyOf(m.params(), m.params().length - 1), m.state(),
        m.standardizer(), m.classes(), m.provenance());
    IOException e = assertThrows(IOException.class, () -> ModelCodec.decode(ModelCodec.encode(bad), "m.dptm"));
    assertTrue(e.getMessage().contains("m.dptm: model holds " + (m.params().length - 1) + " parameters"), e.getMessage());
  }

  @Test
  void failedWriteNeverReplacesTheExistingModel() throws IOException {
    String modelDir = dir.resolve("model").toString();
    SavedModel good = model(1);
    ModelStore.save(good, modelDir, hadoop);
    Path file = dir.resolve("model").resolve(ModelStore.FILE);
    byte[] before = Files.readAllBytes(file);
    FileSystem fs = FileSystem.getLocal(hadoop);
    assertThrows(IOException.class, () -> AtomicFiles.write(fs, new org.apache.hadoop.fs.Path(file.toUri()), out -> {
      out.write(ModelCodec.encode(model(2)), 0, 100);
      throw new IOException("disk full");
    }));
    assertArrayEquals(before, Files.readAllBytes(file));
    try (var files = Files.list(dir.resolve("model"))) {
      assertEquals(java.util.List.of(ModelStore.FILE),
          files.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
    }
    assertArrayEquals(good.params(), ModelStore.load(modelDir, hadoop).params());
  }
}
