package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dptrain.driver.SparkTestAccess;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train command end to end in Spark local mode: console progress, metrics.jsonl, report.html. */
class MainTrainTest {
  /** Writes IDX files of n 1x4x4 images whose class (0..2) sets which row is bright. */
  static void writeIdx(Path images, Path labels, int n, long seed) throws IOException {
    Random rnd = new Random(seed);
    try (DataOutputStream im = new DataOutputStream(Files.newOutputStream(images));
         DataOutputStream lb = new DataOutputStream(Files.newOutputStream(labels))) {
      im.writeInt(0x00000803);
      im.writeInt(n);
      im.writeInt(4);
      im.writeInt(4);
      lb.writeInt(0x00000801);
      lb.writeInt(n);
      for (int i = 0; i < n; i++) {
        int c = rnd.nextInt(3);
        lb.writeByte(c);
        for (int p = 0; p < 16; p++) im.writeByte(p / 4 == c ? 150 + rnd.nextInt(100) : rnd.nextInt(100));
      }
    }
  }

  @Test
  void trainWritesProgressMetricsAndReport(@TempDir Path dir) throws Exception {
    writeIdx(dir.resolve("train-images"), dir.resolve("train-labels"), 400, 1);
    writeIdx(dir.resolve("test-images"), dir.resolve("test-labels"), 100, 2);
    Path run = dir.resolve("run");
    Path config = dir.resolve("tiny.conf");
    Files.writeString(config, """
        model { input = [1, 4, 4], layers = [ { type = dense, units = 8 }, { type = relu }, { type = dense, units = 3 } ] }
        train { epochs = 2, batch-size = 40, seed = 3, optimizer { type = sgd, lr = 0.1, momentum = 0.9 } }
        data {
          train-images = "%s/train-images", train-labels = "%s/train-labels"
          test-images = "%s/test-images", test-labels = "%s/test-labels"
        }
        spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
        output { dir = "%s", log-every = 5, progress = lines }
        """.formatted(dir, dir, dir, dir, run));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    SparkTestAccess.stopSharedContext(); // one SparkContext per JVM: train makes its own
    int exit = Main.run(new String[] {"train", config.toString()}, new PrintStream(bytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, out + errBytes);

    // 400 examples / batch 40 = 10 steps per epoch; a line every 5 steps, one per epoch
    assertEquals(4, out.lines().filter(l -> l.startsWith("step ")).count(), out);
    assertTrue(out.contains("step     10  epoch 1/2     10/10 100%"), out);
    assertEquals(2, out.lines().filter(l -> l.matches("epoch \\d/2  train loss .* \\| validation loss .*")).count(), out);
    assertFalse(out.contains("\r"), "lines mode when not on a terminal");
    assertTrue(out.contains("dptrain: report file:" + run.resolve("report.html")), out);

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> records = new ArrayList<>();
    for (String l : Files.readAllLines(run.resolve("metrics.jsonl"))) records.add(json.readTree(l));
    assertEquals(1 + 1 + 20 + 2, records.size(), "start, the step-0 check, steps, epochs");
    assertEquals("start", records.get(0).get("type").asText());
    assertEquals("check", records.get(1).get("type").asText());
    assertEquals("initial-loss", records.get(1).get("check").asText());
    assertTrue(records.get(1).get("passed").asBoolean(), records.get(1).toString());
    assertTrue(records.get(0).get("config").asText().contains("progress = lines"));
    List<JsonNode> steps = records.stream().filter(r -> r.get("type").asText().equals("step")).toList();
    assertEquals(20, steps.size());
    assertEquals(20, steps.get(19).get("step").asInt());
    List<JsonNode> withRatios = steps.stream().filter(s -> s.has("update_ratio")).toList();
    assertEquals(4, withRatios.size(), "every log-every = 5 steps");
    for (JsonNode s : withRatios) {
      assertEquals(2, s.get("update_ratio").size(), "the two dense layers");
      for (JsonNode r : s.get("update_ratio")) assertTrue(r.asDouble() > 0 && r.asDouble() < 1, s.toString());
    }
    JsonNode lastEpoch = records.get(records.size() - 1);
    assertEquals("epoch", lastEpoch.get("type").asText());
    assertTrue(lastEpoch.get("validation_accuracy").asDouble() > 0.6, "the rows are easy to tell apart: " + lastEpoch);

    String html = Files.readString(run.resolve("report.html"));
    assertTrue(html.contains("id=\"chart-update-ratio\"") && html.contains("data-points=\"20\""), "report from this run");
  }
}
