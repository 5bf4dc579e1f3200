package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per class of failure of the dptrain command, in-process on local[2] with real files:
 * each ends as exactly one {@code dptrain: error:} line on the CLI's stderr stream and its exit
 * status, refusals happen before any work, and nothing already written is lost or mixed.
 */
class CliErrorsTest {
  private static final int DIM = 4;

  @TempDir
  Path dir;

  private record Result(int status, String out, String err) {
    /** The one error line (asserting there is exactly one). */
    String errorLine() {
      List<String> lines = err.lines().filter(l -> l.startsWith("dptrain: error:")).toList();
      assertEquals(1, lines.size(), "one error line expected in:\n" + err);
      return lines.get(0);
    }
  }

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeEach
  void ownSpark() {
    SparkTestSupport.stop(); // the commands start (and stop) their own Spark
  }

  private Path csv(String name, int n) throws IOException {
    Dataset d = SparkTestSupport.blobs(n, DIM, 3, 7);
    StringBuilder sb = new StringBuilder("label,a,b,c,d\n");
    for (int i = 0; i < d.size(); i++) {
      sb.append((int) d.labels()[i]);
      for (int j = 0; j < DIM; j++) sb.append(',').append(d.features()[i * DIM + j]);
      sb.append('\n');
    }
    Path p = dir.resolve(name);
    Files.writeString(p, sb);
    return p;
  }

  private Path config(String name, Path train, Path out, String trainBlock, String outputExtra) throws IOException {
    Path c = dir.resolve(name);
    Files.writeString(c, String.format(Locale.ROOT, """
        model { input = [%d], layers = [ { type = dense, units = 8 }, { type = relu }, { type = dense, units = 3 } ] }
        train { %s }
        data { format = csv, train = "%s", header = true, label-column = label }
        spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
        output { dir = "%s", log-every = 1000, progress = off %s }
        """, DIM, trainBlock, train, out, outputExtra));
    return c;
  }

  private static final String TRAIN = "epochs = 1, batch-size = 32, seed = 3, optimizer { type = sgd, lr = 0.05 }";

  private static List<String> tmpFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp-")).toList();
    }
  }

  @Test
  void usageErrorExits2WithOneLineAndTheUsage() {
    Result r = run("train", "x.conf", "--frobnicate");
    assertEquals(2, r.status());
    assertEquals("dptrain: error: unknown argument --frobnicate", r.errorLine());
    assertTrue(r.err().contains("usage: dptrain train CONFIG"), r.err());
    Result none = run();
    assertEquals(2, none.status());
    assertEquals("dptrain: error: no command given", none.errorLine());
    Result both = run("train", "x.conf", "--new-run", "--force");
    assertEquals(2, both.status());
    assertTrue(both.errorLine().contains("--new-run and --force exclude each other"), both.err());
  }

  @Test
  void badConfigExits2WithOneLineAndBinaryConfigIsNotPrinted() throws Exception {
    Path bad = config("bad.conf", dir.resolve("t.csv"), dir.resolve("run"), "batch-size = -4", "");
    Result r = run("train", bad.toString());
    assertEquals(2, r.status(), r.err());
    assertTrue(r.errorLine().startsWith("dptrain: error: config: ") && r.errorLine().contains("batch-size"), r.err());
    assertFalse(Files.exists(dir.resolve("run")), "nothing created for a bad config");

    Path bin = dir.resolve("model.bin");
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
    Files.write(bin, bytes);
    Result b = run("train", bin.toString());
    assertEquals(2, b.status(), b.err());
    assertEquals("dptrain: error: config: " + bin + ": not a text config file (256 bytes of binary data);"
        + " expected a HOCON file like conf/fashion-mlp.conf", b.errorLine());
    assertFalse(b.err().chars().anyMatch(ch -> ch < 9), "no raw bytes printed: " + b.err());
    assertEquals(1, b.err().lines().count(), "one line, no usage text for a config error");

    Result missing = run("info", dir.resolve("nope.conf").toString());
    assertEquals(2, missing.status());
    assertTrue(missing.errorLine().endsWith("nope.conf: config file not found"), missing.err());
  }

  @Test
  void badDataRecordExits3NamingFileAndLineFromTheTask() throws Exception {
    Path train = csv("train.csv", 60);
    List<String> lines = Files.readAllLines(train);
    lines.set(5, lines.get(5).replaceFirst(",[^,]+$", ",oops"));
    Files.write(train, lines);
    Path c = config("run.conf", train, dir.resolve("run"), TRAIN, "");
    Result r = run("train", c.toString());
    assertEquals(3, r.status(), r.err());
    String line = r.errorLine();
    assertTrue(line.contains("train.csv") && line.contains("line 6") && line.contains("oops"), line);
    assertFalse(r.err().contains("Job aborted") || r.err().contains("\tat "), r.err());

    Result missing = run("train", config("m.conf", dir.resolve("absent.csv"), dir.resolve("run2"), TRAIN, "")
        .toString());
    assertEquals(3, missing.status(), missing.err());
    assertTrue(missing.errorLine().contains("absent.csv"), missing.err());
  }

  @Test
  void debugShowsTheTraceBeforeTheOneLine() throws Exception {
    Path c = config("run.conf", dir.resolve("absent.csv"), dir.resolve("run"), TRAIN, "");
    Result r = run("train", c.toString(), "--debug");
    assertEquals(3, r.status(), r.err());
    r.errorLine();
    assertTrue(r.err().contains("\tat dev.dptrain."), "stack trace with --debug: " + r.err());
    assertTrue(r.err().strip().lines().reduce((a, b) -> b).orElse("").startsWith("dptrain: error:"),
        "the error line comes last");
    Result plain = run("train", c.toString());
    assertFalse(plain.err().contains("\tat "), plain.err());
  }

  @Test
  void corruptOrMissingModelExits4() throws Exception {
    Path m = dir.resolve("model");
    Files.createDirectories(m);
    Files.write(m.resolve(ModelStore.FILE), "DPTM but not really a model".getBytes(StandardCharsets.UTF_8));
    Result r = run("info", "--model", m.toString());
    assertEquals(4, r.status(), r.err());
    assertTrue(r.errorLine().contains(m.resolve(ModelStore.FILE).toString()), r.err());
    Result ev = run("evaluate", "--model", m.toString(), "--data", csv("t.csv", 20).toString(), "--header",
        "--label-column", "label", "--master", "local[2]");
    assertEquals(4, ev.status(), ev.err());
    Result none = run("info", "--model", dir.resolve("nothing").toString());
    assertEquals(4, none.status(), none.err());
    assertTrue(none.errorLine().contains("model file not found"), none.err());
  }

  @Test
  void existingPredictOutputIsRefusedBeforeAnyWork() throws Exception {
    Path output = dir.resolve("preds");
    Files.createDirectories(output);
    Files.writeString(output.resolve("keep.txt"), "earlier results");
    // neither the model nor the input exists: a status 5 (not 4 or 3) shows the check came first
    Result r = run("predict", "--model", dir.resolve("no-model").toString(), "--input",
        dir.resolve("no-input.csv").toString(), "--output", output.toString(), "--master", "local[2]");
    assertEquals(5, r.status(), r.err());
    assertTrue(r.errorLine().contains(output + " already exists"), r.err());
    assertEquals("earlier results", Files.readString(output.resolve("keep.txt")));
  }

  @Test
  void outputDirUnderARegularFileIsRefusedBeforeTraining() throws Exception {
    Path file = dir.resolve("plain-file");
    Files.writeString(file, "x");
    // the training data does not exist: status 5 (not 3) shows the check came before reading it
    Path c = config("run.conf", dir.resolve("absent.csv"), file.resolve("run"), TRAIN, "");
    Result r = run("train", c.toString());
    assertEquals(5, r.status(), r.err());
    assertTrue(r.errorLine().contains(file + " is a regular file"), r.err());
    assertFalse(r.out().contains("report.html"), "no misleading report line: " + r.out());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void differentConfigIntoAFinishedRunIsRefusedUnlessNewRun() throws Exception {
    Path train = csv("train.csv", 80);
    Path run = dir.resolve("run");
    Result first = run("train", config("a.conf", train, run, TRAIN, "").toString());
    assertEquals(0, first.status(), first.err());
    byte[] model = Files.readAllBytes(run.resolve("model").resolve(ModelStore.FILE));
    byte[] metrics = Files.readAllBytes(run.resolve("metrics.jsonl"));
    assertTrue(Files.readString(run.resolve(RunRecord.FILE)).contains("state=finished"));

    Path other = config("b.conf", train, run, TRAIN.replace("lr = 0.05", "lr = 0.02")
        .replace("epochs = 1", "epochs = 2"), "");
    Result refused = run("train", other.toString());
    assertEquals(2, refused.status(), refused.err());
    String line = refused.errorLine();
    assertTrue(line.contains("holds a finished run") && line.contains("train.optimizer.lr: 0.05 -> 0.02")
        && !line.contains("train.epochs:") && line.contains("--new-run"), line);
    assertArrayEquals(model, Files.readAllBytes(run.resolve("model").resolve(ModelStore.FILE)), "model untouched");
    assertArrayEquals(metrics, Files.readAllBytes(run.resolve("metrics.jsonl")), "metrics not mixed");

    Result again = run("train", other.toString(), "--new-run");
    assertEquals(0, again.status(), again.err());
    Path moved;
    try (Stream<Path> s = Files.list(dir)) {
      moved = s.filter(p -> p.getFileName().toString().startsWith("run.previous-")).findFirst().orElseThrow();
    }
    assertTrue(again.out().contains("moved the previous run in " + run), again.out());
    assertArrayEquals(model, Files.readAllBytes(moved.resolve("model").resolve(ModelStore.FILE)), "old run kept");
    assertArrayEquals(metrics, Files.readAllBytes(moved.resolve("metrics.jsonl")));
    assertTrue(Files.readString(run.resolve(RunRecord.FILE)).contains("setting.train.optimizer.lr=0.02"));
    assertEquals(1, Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"start\"")).count(),
        "a fresh metrics log");
  }

  @Test
  void changedBatchSizeOnResumeIsRefusedAndMoreEpochsAreAllowed() throws Exception {
    Path train = csv("train.csv", 80);
    Path run = dir.resolve("run");
    String ckpt = ", checkpoint-every = 2";
    assertEquals(0, run("train", config("a.conf", train, run, TRAIN, ckpt).toString()).status());
    Path ckdir = run.resolve("checkpoints");
    List<String> before;
    try (Stream<Path> s = Files.list(ckdir)) {
      before = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertFalse(before.isEmpty());

    Result refused = run("train", config("b.conf", train, run, TRAIN.replace("batch-size = 32", "batch-size = 16"),
        ckpt).toString());
    assertEquals(2, refused.status(), refused.err());
    assertTrue(refused.errorLine().contains("with checkpoints") && refused.errorLine().contains("train.batch-size: 32 -> 16"),
        refused.err());
    try (Stream<Path> s = Files.list(ckdir)) {
      assertEquals(before, s.map(p -> p.getFileName().toString()).sorted().toList(), "checkpoints untouched");
    }

    Result more = run("train", config("c.conf", train, run, TRAIN.replace("epochs = 1", "epochs = 2"),
        ", checkpoint-every = 3, log-every = 7").toString());
    assertEquals(0, more.status(), more.err());
    assertTrue(more.out().contains("2 epochs"), more.out());
  }

  @Test
  void batchLargerThanTheDataWarnsAndDivergenceExits6() throws Exception {
    Path train = csv("train.csv", 20);
    Result r = run("train", config("a.conf", train, dir.resolve("run"),
        "epochs = 1, batch-size = 100000, seed = 3, optimizer { type = sgd, lr = 0.05 }", "").toString());
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("dptrain: warning: batch-size 100000 is larger than the 20 training examples"), r.err());
    assertFalse(r.err().contains("dptrain: error:"));

    // features of 1e15 without standardisation and lr 10: the weights overflow float within a few steps
    Path huge = dir.resolve("huge.csv");
    Files.writeString(huge, Files.readString(train).lines().map(l -> l.startsWith("label") ? l
        : l.substring(0, 2) + java.util.Arrays.stream(l.substring(2).split(",")).map(v -> v + "e15")
            .reduce((a, b) -> a + "," + b).orElseThrow()).reduce("", (a, b) -> a + b + "\n"));
    Path dc = config("d.conf", huge, dir.resolve("diverge"),
        "epochs = 20, batch-size = 10, seed = 3, optimizer { type = sgd, lr = 10 }", "");
    Files.writeString(dc, Files.readString(dc).replace("label-column = label", "label-column = label, standardize = none"));
    Result d = run("train", dc.toString());
    assertEquals(6, d.status(), d.out() + d.err());
    assertTrue(d.errorLine().startsWith("dptrain: error: training diverged: "), d.err());
  }

  @Test
  void modelSaveThatFailsLeavesNoTemporaryAndKeepsTheCheckpoints() throws Exception {
    Path train = csv("train.csv", 40);
    Path run = dir.resolve("run");
    Path blocker = run.resolve("model").resolve(ModelStore.FILE);
    Files.createDirectories(blocker);
    Files.writeString(blocker.resolve("occupied"), "a directory where the model file goes");
    Result r = run("train", config("a.conf", train, run, TRAIN, ", checkpoint-every = 1").toString(), "--force");
    assertEquals(5, r.status(), r.err());
    String line = r.errorLine();
    assertTrue(line.contains("cannot save the model to") && line.contains("is a directory")
        && line.contains("checkpoints in " + run.resolve("checkpoints") + " are kept"), line);
    assertEquals(List.of(), tmpFiles(run), "temporary files removed");
    assertTrue(Files.readString(run.resolve(RunRecord.FILE)).contains("state=started"), "not marked finished");
    try (Stream<Path> s = Files.list(run.resolve("checkpoints"))) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().endsWith(".dpt")));
    }
  }

  @Test
  void atomicWriteRemovesItsTemporaryWhenTheRenameFails() throws Exception {
    Path target = dir.resolve("m").resolve(ModelStore.FILE);
    Files.createDirectories(target.resolve("sub"));
    var fs = org.apache.hadoop.fs.FileSystem.getLocal(new Configuration());
    IOException e = assertThrows(IOException.class, () -> dev.dptrain.driver.AtomicFiles.write(fs,
        new org.apache.hadoop.fs.Path(target.toUri()), new byte[] {1, 2, 3}));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    assertEquals(List.of(), tmpFiles(dir));
    assertTrue(Files.isDirectory(target.resolve("sub")), "target left as it was");
  }

  @Test
  void classifyUnwrapsSparkAndNamesInternalErrors() {
    Failures.Outcome npe = Failures.classify(new NullPointerException("x is null"));
    assertEquals(1, npe.exit());
    assertEquals("internal error: NullPointerException: x is null (run with --debug for the trace)", npe.message());
    SparkException stage = new SparkException("Job aborted due to stage failure: Task 1 in stage 2.0 failed 4 times,"
        + " most recent failure: Lost task 1.3 in stage 2.0 (TID 9) (10.0.0.5 executor 1): java.lang.IllegalStateException:"
        + " partition 1 is empty\n\tat dev.dptrain.X.y(X.java:1)\n\nDriver stacktrace:");
    Failures.Outcome o = Failures.classify(stage);
    assertEquals(1, o.exit());
    assertTrue(o.message().contains("java.lang.IllegalStateException: partition 1 is empty")
        && !o.message().contains("Job aborted") && !o.message().contains("\n"), o.message());
    Failures.Outcome io = Failures.classify(new SparkException("wrapped", new IOException("No space left on device")));
    assertEquals(new Failures.Outcome(5, "I/O: No space left on device"), io);
  }
}
