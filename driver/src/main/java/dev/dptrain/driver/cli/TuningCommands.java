package dev.dptrain.driver.cli;

import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.metrics.JsonLine;
import dev.dptrain.driver.metrics.MetricsLog;
import dev.dptrain.driver.report.TuningPages;
import dev.dptrain.driver.tuning.SparkChecks;
import dev.dptrain.driver.tuning.SparkLrFinder;
import dev.dptrain.model.check.SanityChecks;
import dev.dptrain.model.tuning.LrRangeTest;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dptrain check CONFIG} (the sanity checks of note 003 before training; check.jsonl, the
 * records metrics.jsonl holds for the checks of {@code train}, and check.html in output.dir) and
 * {@code dptrain lr-find CONFIG} (the learning-rate range test); both read the run's data as
 * {@code train} does and run on Spark, and rewrite their own files atomically, never a run's.
 */
final class TuningCommands {
  private TuningCommands() {}

  static final java.util.Set<String> CHECK_FLAGS = java.util.Set.of("--master", "--steps");
  static final java.util.Set<String> LR_FIND_FLAGS = java.util.Set.of("--master", "--steps", "--min-lr", "--max-lr");

  /** Steps of the tiny-overfit check when {@code --steps} is not given. */
  static final int OVERFIT_STEPS = 300;

  static int check(String config, CliArgs a, PrintStream out) throws IOException {
    RunConfig rc = RunConfig.parse(Main.readConfig(config), config);
    int steps = positive(a, "--steps", OVERFIT_STEPS);
    try (SparkSession spark = Main.session(rc, a.get("--master", rc.spark().master()), "dptrain check " + rc.source())) {
      List<SanityChecks.Result> results = SparkChecks.run(spark, rc, steps);
      long failed = results.stream().filter(r -> !r.passed()).count();
      for (SanityChecks.Result r : results) out.println(r.line());
      out.printf(Locale.ROOT, "dptrain check: %d of %d checks passed%n", results.size() - failed, results.size());
      StringBuilder jsonl = new StringBuilder();
      for (SanityChecks.Result r : results) jsonl.append(MetricsLog.checkRecord(r)).append('\n');
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      write(rc.output().dir(), "check.jsonl", jsonl.toString(), hadoop);
      out.println("dptrain check: results in " + write(rc.output().dir(), "check.html",
          TuningPages.checks(jsonl.toString(), config), hadoop));
      return failed == 0 ? 0 : Failures.CHECK_FAILED;
    }
  }

  /** Runs the initial-loss check before training; a failure is a warning, not an error. Returns the results to record. */
  static List<SanityChecks.Result> warnAtStepZero(RunConfig rc, TrainingData data, PrintStream err) {
    List<SanityChecks.Result> results = SparkChecks.run(data.trainRdd(), rc.network(), rc.train(),
        List.of(SanityChecks.Check.INITIAL_LOSS), 0);
    for (SanityChecks.Result r : results) {
      if (!r.passed()) err.println("dptrain: warning: " + r.line() + " (dptrain check CONFIG runs every check)");
    }
    return results;
  }

  static int lrFind(String config, CliArgs a, PrintStream out) throws IOException {
    RunConfig rc = RunConfig.parse(Main.readConfig(config), config);
    LrRangeTest test = new LrRangeTest(number(a, "--min-lr", 1e-7), number(a, "--max-lr", 10),
        positive(a, "--steps", 300));
    try (SparkSession spark = Main.session(rc, a.get("--master", rc.spark().master()), "dptrain lr-find " + rc.source())) {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      LrRangeTest.Result r = SparkLrFinder.run(spark, rc, test);
      StringBuilder jsonl = new StringBuilder();
      for (int i = 0; i < r.lr().length; i++) {
        jsonl.append(new JsonLine().put("step", i).put("lr", r.lr()[i]).put("loss", r.loss()[i])
            .put("smoothed_loss", r.smoothed()[i])).append('\n');
      }
      jsonl.append(new JsonLine().put("suggested_lr", r.suggestedLr()).put("minimum_lr", r.minimumLr())
          .put("stop", r.stopReason())).append('\n');
      String dir = rc.output().dir();
      write(dir, "lr-find.jsonl", jsonl.toString(), hadoop);
      String page = write(dir, "lr-find.html", TuningPages.lrFind(r, config), hadoop);
      out.println("dptrain lr-find: " + r.describe());
      out.printf(Locale.ROOT, "dptrain lr-find: set train.optimizer.lr = %.3g; plot in %s%n", r.suggestedLr(), page);
      return 0;
    }
  }

  /** Writes {@code text} to dir/name atomically (any Hadoop path); returns the written path. */
  static String write(String dir, String name, String text, Configuration hadoop) throws IOException {
    Path p = new Path(dir, name);
    FileSystem fs = p.getFileSystem(hadoop);
    if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem();
    AtomicFiles.write(fs, p, text.getBytes(StandardCharsets.UTF_8));
    return fs.makeQualified(p).toString();
  }

  private static int positive(CliArgs a, String flag, int def) {
    String v = a.get(flag, null);
    if (v == null) return def;
    try {
      int n = Integer.parseInt(v);
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliArgs.UsageError(flag + " expects a positive integer, got '" + v + "'");
  }

  private static double number(CliArgs a, String flag, double def) {
    String v = a.get(flag, null);
    if (v == null) return def;
    try {
      double d = Double.parseDouble(v);
      if (d > 0 && Double.isFinite(d)) return d;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliArgs.UsageError(flag + " expects a positive number, got '" + v + "'");
  }
}
