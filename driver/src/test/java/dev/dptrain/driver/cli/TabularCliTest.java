package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.Rng;
import dev.dptrain.model.io.SavedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tabular data as users bring it, through the dptrain command on local[2]: labels that are not
 * class indices (±1, strings), regression with its own figures, read options remembered by the
 * model, predict's one ordered file, and a feature that is constant in the training data.
 */
class TabularCliTest {
  @TempDir
  Path dir;

  @BeforeAll
  static void ownSpark() {
    SparkTestSupport.stop(); // the commands start (and stop) their own Spark
  }

  private static CliRunner.Result run(String... args) {
    return CliRunner.run(args);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  private Path config(String model, String data) throws Exception {
    return write("run.conf", String.format(Locale.ROOT, """
        model { %s }
        train { epochs = 8, batch-size = 32, seed = 3, optimizer { type = adam, lr = 0.01 } }
        data { %s }
        spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
        output { dir = "%s", log-every = 1000, progress = lines }
        """, model, data, dir.resolve("run")));
  }

  /** Two separable clusters in 3 features, labelled -1 / +1. */
  private static String plusMinusLibsvm(int n, long seed) {
    Rng rng = new Rng(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int y = i % 2 == 0 ? 1 : -1;
      sb.append(y > 0 ? "+1" : "-1");
      for (int j = 1; j <= 3; j++) {
        sb.append(String.format(Locale.ROOT, " %d:%.4f", j, 3 * y + rng.nextGaussian()));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static List<String[]> csvRows(Path file) throws Exception {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(file)) if (!line.isEmpty()) rows.add(line.split(",", -1));
    return rows;
  }

  @Test
  void plusMinusOneLabelsRoundTripThroughPredict() throws Exception {
    Path train = write("train.libsvm", plusMinusLibsvm(200, 1));
    String testText = plusMinusLibsvm(60, 2);
    Path test = write("test.libsvm", testText);
    Path conf = config("input = [3], loss = sigmoid_binary_cross_entropy, layers = [ { type = dense, units = 1 } ]",
        "format = libsvm, train = \"" + train + "\", labels = auto");
    CliRunner.Result tr = run("train", conf.toString());
    assertEquals(0, tr.status(), tr.err());
    SavedModel model = ModelStore.load(dir.resolve("run/model").toString(), new Configuration());
    assertEquals(List.of("-1", "1"), model.recipe().labels().values());
    assertEquals("libsvm", model.recipe().format());

    // evaluate needs no option: the model maps ±1 itself
    CliRunner.Result ev = run("evaluate", "--model", dir.resolve("run/model").toString(), "--data", test.toString());
    assertEquals(0, ev.status(), ev.err());
    Matcher m = Pattern.compile("60 examples  loss [0-9.]+  accuracy ([0-9.]+)").matcher(ev.out());
    assertTrue(m.find(), ev.out());
    double accuracy = Double.parseDouble(m.group(1));

    Path out = dir.resolve("pred.csv");
    CliRunner.Result pr = run("predict", "--model", dir.resolve("run/model").toString(), "--input", test.toString(),
        "--output", out.toString(), "--output-format", "csv", "--single-file");
    assertEquals(0, pr.status(), pr.err());
    assertTrue(Files.isRegularFile(out), "one file");
    List<String[]> rows = csvRows(out);
    assertEquals("row,prediction,p_0,p_1", String.join(",", rows.get(0)));
    String[] truth = testText.split("\n");
    int correct = 0;
    for (int i = 1; i < rows.size(); i++) {
      assertEquals(i - 1, Long.parseLong(rows.get(i)[0]), "rows in input order");
      double predicted = Double.parseDouble(rows.get(i)[1]);
      assertTrue(predicted == 1.0 || predicted == -1.0, rows.get(i)[1]);
      if (predicted == Double.parseDouble(truth[i - 1].split(" ")[0])) correct++;
    }
    assertEquals(60, rows.size() - 1);
    assertEquals(accuracy, correct / 60.0, 1e-6); // evaluate and predict agree on every row
    assertTrue(accuracy > 0.9, "separable clusters: " + accuracy);

    // an existing output is kept unless --overwrite
    CliRunner.Result again = run("predict", "--model", dir.resolve("run/model").toString(), "--input", test.toString(),
        "--output", out.toString(), "--output-format", "csv", "--single-file");
    assertEquals(Failures.IO, again.status());
    assertTrue(again.err().contains("already exists"), again.err());
    Files.writeString(out, "old");
    CliRunner.Result over = run("predict", "--model", dir.resolve("run/model").toString(), "--input", test.toString(),
        "--output", out.toString(), "--output-format", "csv", "--single-file", "--overwrite");
    assertEquals(0, over.status(), over.err());
    assertEquals(61, csvRows(out).size());
    try (var siblings = Files.list(dir)) {
      assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".pred.csv")), "no temporary left");
    }
  }

  @Test
  void stringLabelsAndReadOptionsAreRemembered() throws Exception {
    String[] kinds = {"virginica", "setosa", "versicolor"};
    Rng rng = new Rng(5);
    StringBuilder train = new StringBuilder("a;kind;b\n");
    StringBuilder test = new StringBuilder("a;kind;b\n");
    for (int i = 0; i < 300; i++) {
      int k = i % 3;
      String line = String.format(Locale.ROOT, "%.4f;%s;%.4f%n", 100 + 4 * k + rng.nextGaussian(), kinds[k],
          -0.01 * k + 0.003 * rng.nextGaussian());
      (i < 240 ? train : test).append(line);
    }
    Path trainFile = write("train.csv", train.toString());
    Path testFile = write("test.csv", test.toString());
    Path conf = config("input = [2], layers = [ { type = dense, units = 16 }, { type = relu }, { type = dense, units = 3 } ]",
        "format = csv, train = \"" + trainFile + "\", header = true, delimiter = \";\", label-column = kind, labels = auto");
    CliRunner.Result tr = run("train", conf.toString());
    assertEquals(0, tr.status(), tr.err());
    String model = dir.resolve("run/model").toString();
    // the labelled file, read with the header, delimiter and label column the model remembers
    Path out = dir.resolve("pred.csv");
    CliRunner.Result pr = run("predict", "--model", model, "--input", testFile.toString(), "--output", out.toString(),
        "--output-format", "csv", "--single-file", "--keep", "kind,0");
    assertEquals(0, pr.status(), pr.err());
    List<String[]> rows = csvRows(out);
    assertEquals(61, rows.size());
    assertEquals("row,kind,0,prediction,p_0,p_1,p_2", String.join(",", rows.get(0)));
    String[] truth = test.toString().split("\n");
    int correct = 0;
    for (int i = 1; i < rows.size(); i++) {
      String[] cells = truth[i].split(";");
      assertEquals(cells[1], rows.get(i)[1], "the label column passed through");
      assertEquals(cells[0], rows.get(i)[2], "column 0 passed through");
      if (rows.get(i)[3].equals(cells[1])) correct++;
    }
    // features in different units (100s and 0.01s): per-feature standardisation by default separates them
    assertTrue(correct >= 57, correct + " of 60");
    CliRunner.Result info = run("info", "--model", model);
    assertTrue(info.out().contains("labels [setosa, versicolor, virginica]") && info.out().contains("delimiter ';'"),
        info.out());

    // a 1-output softmax for these labels is refused with what to change
    Path bad = config("input = [2], layers = [ { type = dense, units = 1 } ]",
        "format = csv, train = \"" + trainFile + "\", header = true, delimiter = \";\", label-column = kind, labels = [no, yes]");
    CliRunner.Result wrong = run("train", bad.toString(), "--force");
    assertEquals(Failures.USAGE, wrong.status(), wrong.err());
    assertTrue(wrong.err().contains("use loss = sigmoid_binary_cross_entropy"), wrong.err());
  }

  @Test
  void regressionReportsTheRmseOfItsOwnPredictions() throws Exception {
    // y = 200 + 30·(x0 − 2·x1) + noise: a target far from 0 with a large spread, learnt with standardize-target
    Rng rng = new Rng(9);
    StringBuilder train = new StringBuilder("x0,x1,x2,y\n");
    StringBuilder test = new StringBuilder("x0,x1,x2,y\n");
    for (int i = 0; i < 500; i++) {
      double x0 = rng.nextGaussian();
      double x1 = rng.nextGaussian();
      double y = 200 + 30 * (x0 - 2 * x1) + 3 * rng.nextGaussian();
      (i < 400 ? train : test).append(String.format(Locale.ROOT, "%.5f,%.5f,7,%.4f%n", x0, x1, y));
    }
    Path trainFile = write("train.csv", train.toString());
    Path testFile = write("test.csv", test.toString());
    Path conf = config("input = [3], loss = mse, layers = [ { type = dense, units = 16 }, { type = relu }, "
        + "{ type = dense, units = 1 } ]", "format = csv, train = \"" + trainFile + "\", test = \"" + testFile
        + "\", header = true, label-column = y, standardize-target = true");
    CliRunner.Result tr = run("train", conf.toString());
    assertEquals(0, tr.status(), tr.err());
    assertFalse(tr.out().contains("NaN"), tr.out());
    assertTrue(tr.out().contains("| validation mse "), tr.out());
    // x2 is constant (7) in training: reported, and scaled by 1 instead of 1/1e-6
    assertTrue(tr.out().contains("1 of 3 standardisation groups are constant"), tr.out());
    String model = dir.resolve("run/model").toString();
    SavedModel saved = ModelStore.load(model, new Configuration());
    assertTrue(saved.recipe().scalesTarget());
    assertEquals(200, saved.recipe().targetMean(), 10);
    String metrics = Files.readString(dir.resolve("run/metrics.jsonl"));
    assertTrue(metrics.contains("\"validation_rmse\"") && !metrics.contains("accuracy"), "no accuracy for regression");
    assertTrue(Files.readString(dir.resolve("run/report.html")).contains("Validation RMSE per epoch"));

    CliRunner.Result ev = run("evaluate", "--model", model, "--data", testFile.toString());
    assertEquals(0, ev.status(), ev.err());
    Matcher m = Pattern.compile("100 examples  mse ([0-9.e+-]+)  rmse ([0-9.e+-]+)  mae ([0-9.e+-]+)  r2 ([0-9.e+-]+)")
        .matcher(ev.out());
    assertTrue(m.find(), ev.out());
    double rmse = Double.parseDouble(m.group(2));
    assertEquals(saved.provenance().metrics().get("test.rmse"), rmse, 1e-5 * rmse);
    assertTrue(Double.parseDouble(m.group(4)) > 0.9, ev.out());

    Path out = dir.resolve("pred.csv");
    CliRunner.Result pr = run("predict", "--model", model, "--input", testFile.toString(), "--output", out.toString(),
        "--output-format", "csv", "--single-file");
    assertEquals(0, pr.status(), pr.err());
    List<String[]> rows = csvRows(out);
    assertEquals("row,output_0", String.join(",", rows.get(0)));
    String[] truth = test.toString().split("\n");
    double se = 0;
    double maxAbs = 0;
    for (int i = 1; i < rows.size(); i++) {
      double y = Double.parseDouble(truth[i].split(",")[3]);
      double d = Double.parseDouble(rows.get(i)[1]) - y;
      se += d * d;
      maxAbs = Math.max(maxAbs, Math.abs(y));
    }
    double recomputed = Math.sqrt(se / (rows.size() - 1));
    // float32 targets and outputs: each residual is off by a few ulps of |y| (2^-23 relative);
    // the printed RMSE has 6 significant digits
    assertEquals(recomputed, rmse, 4 * maxAbs * Math.ulp(1f) + 1e-5 * rmse);
  }
}
