package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.Network;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.RunProvenance;
import dev.dptrain.model.io.SavedModel;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dptrain command in-process on local[2]: train, evaluate, predict, info, usage errors. */
class CliTest {
  private static final int DIM = 4;
  private static final int CLASSES = 3;

  @TempDir
  Path dir;

  private record Result(int status, String out, String err) {}

  private static Result run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String csv(Dataset d, boolean withLabel) {
    StringBuilder sb = new StringBuilder(withLabel ? "label,a,b,c,d\n" : "a,b,c,d\n");
    for (int i = 0; i < d.size(); i++) {
      if (withLabel) sb.append((int) d.labels()[i]).append(',');
      for (int j = 0; j < DIM; j++) sb.append(j == 0 ? "" : ",").append(d.features()[i * DIM + j] + 50f);
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void trainEvaluatePredictInfo() throws Exception {
    SparkTestSupport.stop(); // the commands start (and stop) their own Spark
    Dataset train = SparkTestSupport.blobs(400, DIM, CLASSES, 5);
    Dataset test = SparkTestSupport.blobs(120, DIM, CLASSES, 5).slice(0, 120);
    Files.writeString(dir.resolve("train.csv"), csv(train, true));
    Files.writeString(dir.resolve("test.csv"), csv(test, true));
    Files.writeString(dir.resolve("input.csv"), csv(test, false));
    Path conf = dir.resolve("run.conf");
    Files.writeString(conf, String.format(Locale.ROOT, """
        model { input = [%d], layers = [ { type = dense, units = 16 }, { type = batchnorm }, { type = relu },
                                         { type = dense, units = %d } ] }
        train { epochs = 4, batch-size = 32, seed = 3, optimizer { type = adam, lr = 0.01 } }
        data { format = csv, train = "%s", test = "%s", header = true, label-column = label, standardize = standardize }
        spark { master = "local[2]", partitions = 2, conf { "spark.ui.enabled" = "false" } }
        output { dir = "%s", log-every = 1000 }
        """, DIM, CLASSES, dir.resolve("train.csv"), dir.resolve("test.csv").toUri(), dir.resolve("run")));

    Result tr = run("train", conf.toString());
    assertEquals(0, tr.status(), tr.err());
    assertTrue(tr.out().contains("model saved to"), tr.out());
    String modelDir = dir.resolve("run/model").toString();
    SavedModel model = ModelStore.load(modelDir, new Configuration());
    assertEquals(CLASSES, model.classes());
    assertEquals(Standardizer.Mode.STANDARDIZE, model.standardizer().mode());
    // fitted per feature (the default for a vector input) on the shifted training data
    assertEquals(DIM, model.standardizer().mean().length);
    for (int j = 0; j < DIM; j++) {
      double sum = 0;
      for (int i = 0; i < train.size(); i++) sum += train.features()[i * DIM + j] + 50f;
      assertEquals(sum / train.size(), model.standardizer().mean()[j], 1e-4 * 50);
    }
    assertTrue(model.provenance().metrics().get("test.accuracy") > 0.8, model.provenance().metrics().toString());
    RunProvenance run = model.provenance().run();
    assertEquals(new RunProvenance.DataOrigin("csv", List.of(dir.resolve("train.csv").toString()),
        List.of(dir.resolve("test.csv").toUri().toString()), 400, 120), run.data());
    assertEquals(SparkSessions.sparkVersion(), run.environment().spark());
    assertTrue(run.config().contains("\"seed\" : 3") && run.config().contains("\"log-every\" : 1000"), run.config());

    Result ev = run("evaluate", "--model", modelDir, "--data", dir.resolve("test.csv").toString(), "--header",
        "--label-column", "label", "--master", "local[2]");
    assertEquals(0, ev.status(), ev.err());
    Matcher m = Pattern.compile("120 examples  loss ([0-9.]+)  accuracy ([0-9.]+)").matcher(ev.out());
    assertTrue(m.find(), ev.out());
    double accuracy = Double.parseDouble(m.group(2));
    assertEquals(model.provenance().metrics().get("test.accuracy"), accuracy, 1e-6);

    Path csvOut = dir.resolve("pred-csv");
    Path pqOut = dir.resolve("pred-parquet");
    Result pc = run("predict", "--model", modelDir, "--input", dir.resolve("input.csv").toString(), "--header",
        "--output", csvOut.toString(), "--output-format", "csv", "--master", "local[2]");
    assertEquals(0, pc.status(), pc.err());
    Result pp = run("predict", "--model", modelDir, "--input", dir.resolve("input.csv").toString(), "--header",
        "--output", pqOut.toString(), "--master", "local[2]");
    assertEquals(0, pp.status(), pp.err());

    Network net = Network.build(model.spec());
    float[] x = new float[test.size() * DIM];
    for (int i = 0; i < x.length; i++) x[i] = test.features()[i] + 50f;
    model.standardizer().apply(x, test.size(), net.spec().input());
    float[] expected = net.predict(model.params(), model.state(), x, test.size()).clone();

    SparkSession spark = SparkTestSupport.session();
    for (var df : List.of(spark.read().option("header", "true").option("inferSchema", "true").csv(csvOut.toString()),
        spark.read().parquet(pqOut.toString()))) {
      List<Row> rows = df.orderBy("row").collectAsList();
      assertEquals(test.size(), rows.size());
      long correct = 0;
      for (int i = 0; i < rows.size(); i++) {
        Row r = rows.get(i);
        assertEquals(i, ((Number) r.getAs("row")).longValue());
        double sum = 0;
        int argmax = 0;
        for (int k = 0; k < CLASSES; k++) {
          double p = ((Number) r.getAs("p_" + k)).doubleValue();
          assertEquals(expected[i * CLASSES + k], p, 1e-6, "row " + i + " p_" + k);
          sum += p;
          if (p > ((Number) r.getAs("p_" + argmax)).doubleValue()) argmax = k;
        }
        assertEquals(1.0, sum, 1e-5);
        int predicted = ((Number) r.getAs("prediction")).intValue();
        assertEquals(argmax, predicted);
        if (predicted == (int) test.labels()[i]) correct++;
      }
      assertEquals(accuracy, correct / (double) rows.size(), 1e-6); // printed with 6 decimals
    }

    Result info = run("info", "--model", modelDir);
    assertEquals(0, info.status(), info.err());
    assertTrue(info.out().contains("classes: 3") && info.out().contains("standardize per channel")
        && info.out().contains("test.accuracy") && info.out().contains("(400 examples)")
        && info.out().contains("environment: Spark " + SparkSessions.sparkVersion()), info.out());
  }

  @Test
  void usageErrorsExitWithStatus2() throws Exception {
    for (String[] args : new String[][] {{}, {"bogus"}, {"train"}, {"evaluate", "--data", "x.csv"},
        {"predict", "--model", "m", "--input", "x.csv"}, {"evaluate", "--model", "m", "--frobnicate", "1"},
        {"predict", "--model", "m", "--input", "x.csv", "--output", "o", "--output-format", "json"},
        {"evaluate", "--model", "m", "--data", "x.csv", "--format", "json"},
        {"predict", "--model", "m", "--input", "x.csv", "--output", "o", "--single-file"}, {"info"}}) {
      Result r = run(args);
      assertEquals(2, r.status(), String.join(" ", args));
      assertTrue(r.err().contains("usage: dptrain train CONFIG"), r.err());
    }
  }

  @Test
  void missingModelIsAClearError() throws Exception {
    Result r = run("info", "--model", dir.resolve("nothing").toString());
    assertEquals(4, r.status());
    assertTrue(r.err().startsWith("dptrain: error: ") && r.err().contains("model file not found"), r.err());
  }
}
