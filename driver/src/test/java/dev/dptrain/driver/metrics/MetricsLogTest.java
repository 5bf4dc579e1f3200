package dev.dptrain.driver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.train.Stepper.StepInfo;
import dev.dptrain.model.train.TrainingState;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  // dense 3->2 (8 params), relu, dense 2->2 (6 params)
  private final Network net = Network.build(NetworkSpec.builder(Shape.vector(3)).dense(2).relu().dense(2).build());
  private long now = 5_000_000_000L;

  private static List<JsonNode> lines(String text) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String l : text.split("\n")) nodes.add(JSON.readTree(l));
    return nodes;
  }

  /** One step: the "optimiser" adds delta to every parameter of the live state. */
  private void step(MetricsLog log, TrainingState state, float delta, double loss) {
    log.beforeStep(state);
    for (int i = 0; i < state.params.length; i++) state.params[i] += delta;
    now += 250_000_000L;
    log.onStep(new StepInfo(state.step, 0.05, loss, 0.75, 1.5, 32), 250_000_000L, 100_000_000L);
    state.step++;
    state.stepInEpoch++;
  }

  @Test
  void writesStartStepAndEpochRecordsWithUpdateRatiosEveryNSteps() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricsLog log = new MetricsLog(bytes, net, new MetricsLog.RunInfo("model { }\n\"quoted\"", 3, 2, 32), 2, () -> now);
    float[] init = new float[net.paramCount()];
    for (int i = 0; i < init.length; i++) init[i] = i < 8 ? 1f : 2f;
    TrainingState state = new TrainingState(init.clone(), new float[0], new float[0], 1);
    step(log, state, 0.01f, 0.9);
    step(log, state, 0.02f, 0.8);
    step(log, state, 0.03f, 0.7);
    Evaluation tr = new Evaluation();
    tr.lossSum = 80;
    tr.count = 100;
    tr.correct = 70;
    log.onEpoch(0, tr, null);
    List<JsonNode> nodes = lines(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(5, nodes.size());

    JsonNode start = nodes.get(0);
    assertEquals("start", start.get("type").asText());
    assertEquals(0, start.get("step").asLong());
    assertEquals(3, start.get("steps_per_epoch").asLong());
    assertEquals("model { }\n\"quoted\"", start.get("config").asText());
    assertEquals(net.summary(), start.get("summary").asText());
    assertEquals(2, start.get("layers").size());
    assertEquals(2, start.get("layers").get(1).get("index").asInt());
    assertEquals(6, start.get("layers").get(1).get("params").asInt());

    JsonNode s1 = nodes.get(1);
    assertEquals("step", s1.get("type").asText());
    assertEquals(1, s1.get("step").asLong());
    assertEquals(1, s1.get("epoch").asLong());
    assertEquals(0.9, s1.get("loss").asDouble(), 1e-9);
    assertEquals(0.05, s1.get("lr").asDouble(), 1e-9);
    assertEquals(1.5, s1.get("grad_norm").asDouble(), 1e-9);
    assertEquals(128, s1.get("samples_per_s").asDouble(), 1e-6);
    assertEquals(250, s1.get("wall_ms").asDouble(), 1e-9);
    assertEquals(100, s1.get("compute_ms").asDouble(), 1e-9);
    assertFalse(s1.has("update_ratio"), "ratios only every 2 steps");

    // step 2 moved every parameter by 0.02: ratio = 0.02 / |w| per element, w = 1.01 and 2.01
    JsonNode ratio = nodes.get(2).get("update_ratio");
    assertEquals(0.02 / 1.01, ratio.get(0).asDouble(), 1e-5);
    assertEquals(0.02 / 2.01, ratio.get(1).asDouble(), 1e-5);
    assertFalse(nodes.get(3).has("update_ratio"));

    JsonNode epoch = nodes.get(4);
    assertEquals("epoch", epoch.get("type").asText());
    assertEquals(1, epoch.get("epoch").asInt());
    assertEquals(3, epoch.get("step").asInt());
    assertEquals(0.8, epoch.get("train_loss").asDouble(), 1e-9);
    assertEquals(0.7, epoch.get("train_accuracy").asDouble(), 1e-9);
    assertTrue(epoch.get("validation_loss").isNull(), "no validation: null, not NaN");
    assertEquals(0.75, epoch.get("time_s").asDouble(), 1e-9);
  }

  @Test
  void updateRatiosUseEachLayersOwnSlice() {
    UpdateRatios r = new UpdateRatios(net);
    assertEquals(List.of("0:" + net.layers().get(0).describe(), "2:" + net.layers().get(2).describe()), r.names());
    float[] before = new float[14];
    float[] after = new float[14];
    before[0] = 3;
    before[1] = 4; // |w| of layer 0 = 5
    after[0] = 3;
    after[1] = 4.5f; // |dw| = 0.5
    before[8] = 2;
    after[8] = 2; // layer 1 unchanged
    double[] ratios = r.compute(before, after);
    assertEquals(0.1, ratios[0], 1e-7);
    assertEquals(0.0, ratios[1], 0);
  }

  @Test
  void appendsToAnExistingFileOnTheLocalFileSystemAndFlushesEachLine(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    try (OutputStream first = MetricsLog.open(dir.toString(), conf)) {
      MetricsLog log = new MetricsLog(first, net, new MetricsLog.RunInfo("", 3, 1, 32), 1, () -> now);
      TrainingState state = new TrainingState(net.initParams(1), new float[0], new float[0], 1);
      step(log, state, 0.01f, 0.5);
      // flushed before close: a crash now would keep both lines
      assertEquals(2, Files.readAllLines(dir.resolve("metrics.jsonl")).size());
    }
    try (OutputStream second = MetricsLog.open(dir.toString(), conf)) {
      second.write("{\"type\":\"x\"}\n".getBytes(StandardCharsets.UTF_8));
    }
    List<String> all = Files.readAllLines(dir.resolve("metrics.jsonl"));
    assertEquals(3, all.size());
    assertEquals("{\"type\":\"x\"}", all.get(2));
    assertFalse(Files.exists(dir.resolve(".metrics.jsonl.crc")), "no checksum side file");
  }

  /** A nanosecond clock may read negative or zero: the run still has one start record and its elapsed time. */
  @Test
  void aClockReadingNegativeStillGivesOneStartRecordAndElapsedTimes() throws Exception {
    for (long origin : new long[] {-3_000_000_000L, 0}) {
      now = origin;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      MetricsLog log = new MetricsLog(bytes, net, new MetricsLog.RunInfo("", 2, 2, 32), 3, () -> now);
      TrainingState state = new TrainingState(new float[net.paramCount()], new float[0], new float[0], 1);
      for (int i = 0; i < 6; i++) step(log, state, 0.01f, 0.5);
      List<JsonNode> nodes = lines(bytes.toString(StandardCharsets.UTF_8));
      assertEquals(7, nodes.size(), "one start and six steps");
      for (int i = 1; i <= 6; i++) assertEquals(0.25 * i, nodes.get(i).get("time_s").asDouble(), 1e-9, "step " + i);
    }
  }

  /** Ratios on every ratioEvery-th completed step, epochs counted across epoch boundaries, accuracy only when known. */
  @Test
  void ratiosComeEveryNthStepAndStepsKnowTheirEpoch() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricsLog log = new MetricsLog(bytes, net, new MetricsLog.RunInfo("", 2, 3, 32), 3, () -> now);
    float[] init = new float[net.paramCount()];
    java.util.Arrays.fill(init, 8, init.length, 1f); // layer 0 all zero: no ratio
    TrainingState state = new TrainingState(init, new float[0], new float[0], 1);
    for (int i = 0; i < 6; i++) step(log, state, 0.0f, 0.5);
    log.beforeStep(state);
    log.onStep(new StepInfo(state.step, 0.05, 0.4, Double.NaN, 1.5, 32), 250_000_000L, 100_000_000L);
    List<JsonNode> nodes = lines(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(net.layers().get(0).describe(), nodes.get(0).get("layers").get(0).get("name").asText(), "the name without its index");
    assertEquals(List.of(1L, 1L, 2L, 2L, 3L, 3L, 4L), nodes.subList(1, 8).stream().map(n -> n.get("epoch").asLong()).toList());
    assertEquals(List.of(3L, 6L), nodes.stream().filter(n -> n.has("update_ratio")).map(n -> n.get("step").asLong()).toList());
    JsonNode ratio = nodes.get(3).get("update_ratio");
    assertTrue(ratio.get(0).isNull(), "a layer whose weights are all zero has no ratio");
    assertEquals(0.0, ratio.get(1).asDouble(), 0);
    assertEquals(0.75, nodes.get(1).get("accuracy").asDouble(), 1e-9);
    assertFalse(nodes.get(7).has("accuracy"), "no accuracy for a regression step");
  }

  @Test
  void aRegressionEpochHasItsErrorFiguresAndTheLayersHealth() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricsLog log = new MetricsLog(bytes, net, new MetricsLog.RunInfo("", 2, 3, 32), 3, () -> now);
    Evaluation train = new Evaluation();
    train.hasAccuracy = false;
    train.lossSum = 3;
    train.count = 4;
    Evaluation val = new Evaluation();
    val.hasAccuracy = false;
    val.lossSum = 1;
    val.count = 2;
    val.addRegression(new float[] {1, 2}, new float[] {1.5f, 3.5f}, 2);
    log.onLayerHealth(1, List.of(new dev.dptrain.model.check.LayerHealth(0, "dense(2)", 1.25, 0.5, Double.NaN),
        new dev.dptrain.model.check.LayerHealth(1, "relu", 0.75, 0.25, 0.5)));
    log.onEpoch(1, train, val);
    log.onEpoch(2, train, null);
    List<JsonNode> nodes = lines(bytes.toString(StandardCharsets.UTF_8));
    JsonNode e = nodes.get(0);
    assertEquals(2, e.get("epoch").asInt());
    assertEquals(4, e.get("step").asInt());
    assertEquals(0.75, e.get("train_loss").asDouble(), 1e-9);
    assertEquals(0.5, e.get("validation_loss").asDouble(), 1e-9);
    assertEquals(1.25, e.get("validation_mse").asDouble(), 1e-6); // (0.25 + 2.25) / 2
    assertEquals(Math.sqrt(1.25), e.get("validation_rmse").asDouble(), 1e-6);
    assertEquals(1.0, e.get("validation_mae").asDouble(), 1e-6);
    assertEquals(1 - 2.5 / 2, e.get("validation_r2").asDouble(), 1e-6);
    assertFalse(e.has("train_accuracy"));
    JsonNode health = e.get("layers_health");
    assertEquals(2, health.size());
    assertEquals("relu", health.get(1).get("name").asText());
    assertEquals(0.25, health.get(1).get("gradient_rms").asDouble());
    assertTrue(health.get(0).get("dead_fraction").isNull());
    assertFalse(nodes.get(1).has("layers_health"), "health is written with the epoch it was measured for only");
    assertFalse(nodes.get(1).has("validation_mse"), "no validation: no error figures");
  }

  /** Checks handed in after the run started are written at once; a failed write stops the log, not the run. */
  @Test
  void lateChecksAreWrittenAtOnceAndAFailedWriteEndsTheLogQuietly() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(bytes, 1 << 16);
    MetricsLog log = new MetricsLog(buffered, net, new MetricsLog.RunInfo("", 3, 1, 32), 10, () -> now);
    step(log, new TrainingState(new float[net.paramCount()], new float[0], new float[0], 1), 0.01f, 0.9);
    log.checks(List.of(new dev.dptrain.model.check.SanityChecks.Result("gradient", true, 0.01, "<= 0.05", "fine", "agrees")));
    // each line is flushed through a buffering stream as it is written
    assertEquals(List.of("start", "step", "check"),
        lines(bytes.toString(StandardCharsets.UTF_8)).stream().map(n -> n.get("type").asText()).toList());

    List<String> written = new ArrayList<>();
    OutputStream failsOnce = new OutputStream() {
      boolean failed;

      @Override
      public void write(int b) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void write(byte[] b, int off, int len) throws java.io.IOException {
        if (!failed) {
          failed = true;
          throw new java.io.IOException("disk full");
        }
        written.add(new String(b, off, len, StandardCharsets.UTF_8));
      }
    };
    MetricsLog broken = new MetricsLog(failsOnce, net, new MetricsLog.RunInfo("", 3, 1, 32), 10, () -> now);
    step(broken, new TrainingState(new float[net.paramCount()], new float[0], new float[0], 1), 0.01f, 0.9);
    assertEquals(List.of(), written, "after the first failure nothing more is written (no torn record after a gap)");
    boolean[] closed = {false};
    new MetricsLog(new ByteArrayOutputStream() {
      @Override
      public void close() {
        closed[0] = true;
      }
    }, net, new MetricsLog.RunInfo("", 3, 1, 32), 10, () -> now).close();
    assertTrue(closed[0], "close closes the file");
  }

  /** The sanity checks run before training: one record each, right after the start record, whenever they are handed in. */
  @Test
  void writesTheChecksAfterTheStartRecord() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    MetricsLog log = new MetricsLog(bytes, net, new MetricsLog.RunInfo("", 3, 1, 32), 10, () -> now);
    log.checks(List.of(
        new dev.dptrain.model.check.SanityChecks.Result("initial-loss", false, 7.25, "ln C = ln 2 = 0.6931 ± 0.250",
            "initial loss 7.2500", "too large"),
        new dev.dptrain.model.check.SanityChecks.Result("gradient", true, Double.NaN, "<= 0.05", "fine", "agrees")));
    assertEquals(0, bytes.size(), "nothing before the start record");
    step(log, new TrainingState(new float[net.paramCount()], new float[0], new float[0], 1), 0.01f, 0.9);
    List<JsonNode> nodes = lines(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(List.of("start", "check", "check", "step"), nodes.stream().map(n -> n.get("type").asText()).toList());
    JsonNode fail = nodes.get(1);
    assertEquals("initial-loss", fail.get("check").asText());
    assertFalse(fail.get("passed").asBoolean());
    assertTrue(fail.get("passed").isBoolean());
    assertEquals(7.25, fail.get("value").asDouble());
    assertEquals("ln C = ln 2 = 0.6931 ± 0.250", fail.get("expected").asText());
    assertEquals("initial loss 7.2500", fail.get("measured").asText());
    assertEquals("too large", fail.get("meaning").asText());
    assertTrue(nodes.get(2).get("passed").asBoolean());
    assertTrue(nodes.get(2).get("value").isNull(), "no figure: null");
  }
}
