package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dptrain.driver.SparkTestAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** check, lr-find and search end to end in Spark local mode, on the tiny IDX problem of {@link MainTrainTest}. */
class TuningCommandsTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void data() throws Exception {
    MainTrainTest.writeIdx(dir.resolve("train-images"), dir.resolve("train-labels"), 400, 1);
    MainTrainTest.writeIdx(dir.resolve("test-images"), dir.resolve("test-labels"), 100, 2);
    SparkTestAccess.stopSharedContext(); // one SparkContext per JVM: the commands make their own
  }

  private static Path config(String name, String model, String train, String extra) throws Exception {
    Path c = dir.resolve(name + ".conf");
    Files.writeString(c, """
        model { input = [1, 4, 4], layers = %s }
        train { batch-size = 40, seed = 3, %s }
        data {
          train-images = "%s/train-images", train-labels = "%s/train-labels"
          test-images = "%s/test-images", test-labels = "%s/test-labels"
        }
        spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
        output { dir = "%s", progress = off }
        %s
        """.formatted(model, train, dir, dir, dir, dir, dir.resolve(name), extra));
    return c;
  }

  private static final String MLP = "[ { type = dense, units = 8 }, { type = relu }, { type = dense, units = 3 } ]";

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<JsonNode> jsonLines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) out.add(new ObjectMapper().readTree(l));
    return out;
  }

  @Test
  void checkPassesASoundConfigAndFailsLr100() throws Exception {
    Run ok = run("check", config("ok", MLP, "optimizer { type = adam, lr = 0.01 }", "").toString());
    assertEquals(0, ok.exit(), ok.out() + ok.err());
    assertEquals(4, ok.out().lines().filter(l -> l.startsWith("PASS ")).count(), ok.out());
    assertTrue(ok.out().contains("dptrain check: 4 of 4 checks passed"), ok.out());
    List<JsonNode> records = jsonLines(dir.resolve("ok/check.jsonl"));
    assertEquals(List.of("initial-loss", "regularisation", "gradient", "tiny-overfit"),
        records.stream().map(n -> n.get("check").asText()).toList());
    for (JsonNode n : records) {
      assertEquals("check", n.get("type").asText());
      assertTrue(n.get("passed").asBoolean() && n.get("value").isNumber() && !n.get("expected").asText().isEmpty(), n.toString());
    }
    assertTrue(Math.abs(records.get(0).get("value").asDouble() - Math.log(3)) <= 0.5 * 2 / 3, records.get(0).toString());
    String okPage = Files.readString(dir.resolve("ok/check.html"));
    assertTrue(okPage.contains("All 4 checks passed") && !okPage.contains("class=\"fail\""), okPage);
    assertTrue(!Files.exists(dir.resolve("ok/metrics.jsonl")), "check writes its own files, never a run's");

    Run bad = run("check", config("lr100", MLP, "optimizer { type = sgd, lr = 10 }, weight-decay = 0", "").toString());
    assertEquals(Failures.CHECK_FAILED, bad.exit(), bad.out() + bad.err());
    assertTrue(bad.out().contains("FAIL tiny-overfit"), bad.out());
    JsonNode overfit = jsonLines(dir.resolve("lr100/check.jsonl")).get(3);
    assertEquals("tiny-overfit", overfit.get("check").asText());
    assertFalse(overfit.get("passed").asBoolean());
    assertTrue(Files.readString(dir.resolve("lr100/check.html")).contains("<tr class=\"fail\"><td>tiny-overfit</td><td>FAIL</td>"));
  }

  @Test
  void trainWarnsAtStepZeroWhenTheInitialLossIsWrong() throws Exception {
    String big = "[ { type = dense, units = 8, init = gaussian, init-sigma = 5 }, { type = relu },"
        + " { type = dense, units = 3, init = gaussian, init-sigma = 5 } ]";
    Run r = run("train", config("bigInit", big, "epochs = 1, optimizer { type = sgd, lr = 0.001 }", "").toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.err().contains("dptrain: warning: FAIL initial-loss"), r.err());
    List<JsonNode> metrics = jsonLines(dir.resolve("bigInit/metrics.jsonl"));
    assertEquals(List.of("start", "check"), metrics.subList(0, 2).stream().map(n -> n.get("type").asText()).toList());
    assertEquals("initial-loss", metrics.get(1).get("check").asText());
    assertFalse(metrics.get(1).get("passed").asBoolean());
    assertTrue(metrics.get(1).get("value").asDouble() > Math.log(3) + 1.0 / 3, metrics.get(1).toString());
    String report = Files.readString(dir.resolve("bigInit/report.html"));
    assertTrue(report.contains("<h2>Sanity checks</h2>") && report.contains("<tr class=\"fail\"><td>initial-loss</td><td>FAIL</td>"),
        report);
  }

  @Test
  void lrFindWritesItsCurveAndASuggestion() throws Exception {
    Run r = run("lr-find", config("lrf", MLP, "optimizer { type = sgd, momentum = 0.9 }", "").toString(),
        "--steps", "120", "--min-lr", "1e-5", "--max-lr", "100");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("set train.optimizer.lr = "), r.out());
    String page = Files.readString(dir.resolve("lrf/lr-find.html"));
    assertTrue(page.contains("id=\"chart-lr-find\"") && page.contains("suggested"), page);
    List<String> lines = Files.readAllLines(dir.resolve("lrf/lr-find.jsonl"));
    JsonNode last = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertTrue(last.get("suggested_lr").asDouble() > 1e-5 && last.get("suggested_lr").asDouble() < 100, last.toString());
  }

  @Test
  void searchRunsCoarseThenFineAndWritesItsTable() throws Exception {
    String search = """
        search {
          trials = 4, coarse-trials = 3, coarse-epochs = 1, seed = 7
          space = [
            { path = "train.optimizer.lr", log-uniform = [0.001, 1] }
            { path = "train.weight-decay", log-uniform = [1e-6, 1e-2] }
            { path = "model.layers[0].units", choice = [4, 8] }
          ]
        }""";
    Run r = run("search", config("search", MLP, "epochs = 2, optimizer { type = sgd, momentum = 0.9 }", search).toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> trials = new ArrayList<>();
    for (String l : Files.readAllLines(dir.resolve("search/search.jsonl"))) trials.add(json.readTree(l));
    assertEquals(4, trials.size());
    assertEquals(List.of("coarse", "coarse", "coarse", "fine"), trials.stream().map(t -> t.get("phase").asText()).toList());
    assertEquals(1, trials.get(0).get("epochs").asInt());
    assertEquals(2, trials.get(3).get("epochs").asInt());
    // the fine trial keeps the best coarse trial's choice
    JsonNode bestCoarse = trials.subList(0, 3).stream()
        .max(java.util.Comparator.comparingDouble(t -> t.get("value").asDouble())).orElseThrow();
    assertEquals(bestCoarse.get("params").get("model.layers[0].units").asDouble(),
        trials.get(3).get("params").get("model.layers[0].units").asDouble());
    String page = Files.readString(dir.resolve("search/search.html"));
    assertTrue(page.contains("id=\"chart-train-optimizer-lr\""), page);
    assertTrue(r.out().contains("dptrain search: best trial 3 (fine"), r.out());
    // local[2] and 2 partitions per trial: one trial at a time; every progress line names its trial
    assertTrue(r.out().contains("dptrain search: 4 trials, 1 at once, 2 partitions each (2 task slots)"), r.out());
    assertTrue(r.out().contains("dptrain search: trial 0 started (coarse, 1 epochs)"), r.out());
    assertTrue(r.out().contains("dptrain search: trial 3 started (fine, 2 epochs)"), r.out());

    // the same search again draws the same trials (a deterministic seed per trial)
    Run again = run("search", dir.resolve("search.conf").toString());
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    for (JsonNode t : trials) first.add(t.get("params").toString());
    for (String l : Files.readAllLines(dir.resolve("search/search.jsonl"))) second.add(json.readTree(l).get("params").toString());
    assertEquals(0, again.exit());
    assertEquals(first, second);
  }

  /** k-fold: no test data needed; every trial trains once per fold and is scored on the pooled folds. */
  @Test
  void searchWithCrossValidation() throws Exception {
    Path c = config("cv", MLP, "epochs = 1, optimizer { type = sgd, momentum = 0.9 }", """
        search {
          method = grid, grid-points = 2, folds = 2
          space = [ { path = "train.optimizer.lr", log-uniform = [0.01, 0.1] } ]
        }""");
    Files.writeString(c, Files.readString(c).replaceAll("(?m)^\\s*test-images = .*$", ""));
    Run r = run("search", c.toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(2, Files.readAllLines(dir.resolve("cv/search.jsonl")).size());
    assertTrue(r.out().contains("dptrain search: best trial"), r.out());
  }

  @Test
  void usageErrors() throws Exception {
    Run none = run("check");
    assertEquals(Failures.USAGE, none.exit());
    assertTrue(none.err().contains("check needs a CONFIG file"), none.err());
    Path c = config("usage", MLP, "epochs = 1", "");
    Run steps = run("lr-find", c.toString(), "--steps", "x");
    assertEquals(Failures.USAGE, steps.exit());
    assertTrue(steps.err().contains("--steps expects a positive integer, got 'x'"), steps.err());
    Run noSearch = run("search", c.toString());
    assertEquals(Failures.USAGE, noSearch.exit());
    assertTrue(noSearch.err().contains("search: required block is missing"), noSearch.err());
    Path badPath = config("badpath", MLP, "epochs = 1",
        "search { space = [ { path = \"data.limit\", choice = [1, 2] } ] }");
    Run bad = run("search", badPath.toString());
    assertEquals(Failures.USAGE, bad.exit());
    assertTrue(bad.err().contains("search.space[0].path: expected a path under train. or model."), bad.err());
  }

  @Test
  void earlyStoppingEndToEnd() throws Exception {
    Run r = run("train", config("es", MLP, "epochs = 30, optimizer { type = sgd, lr = 0.5, momentum = 0.9 },"
        + " early-stopping { patience = 1, min-delta = 0.5 }", "").toString());
    assertEquals(0, r.exit(), r.out() + r.err());
    assertTrue(r.out().contains("dptrain: early stopping: best epoch 1 (validation-loss"), r.out());
    assertTrue(r.out().contains("stopped after epoch 2"), r.out());
    // every epoch record carries the layer-health probe; the report has the gap verdict and the health charts
    List<String> epochs = Files.readAllLines(dir.resolve("es/metrics.jsonl")).stream().filter(l -> l.contains("\"epoch\",")).toList();
    assertEquals(2, epochs.size());
    JsonNode health = new ObjectMapper().readTree(epochs.get(0)).get("layers_health");
    assertEquals(3, health.size());
    assertEquals("relu", health.get(1).get("name").asText());
    double dead = health.get(1).get("dead_fraction").asDouble();
    assertTrue(dead >= 0 && dead <= 1 && health.get(0).get("dead_fraction").isNull(), health.toString());
    String report = Files.readString(dir.resolve("es/report.html"));
    assertTrue(report.contains("id=\"verdict\"") && report.contains("id=\"chart-dead-relu\""), report);
  }
}
