package dev.dptrain.driver.cli;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.config.Conf;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dptrain retrain CONFIG --models DIR}: one run of scheduled retraining (cron, Airflow,
 * Oozie). Warm-starts from the current model in DIR (see {@link ModelVersions}), trains on the
 * config's data, evaluates the candidate and the current model on the same holdout (the config's
 * test data) and promotes the candidate only when it is not worse than the current one by more
 * than {@code --margin} (accuracy for classifiers, mean loss otherwise). Exit status: 0 promoted,
 * {@value Failures#NOT_PROMOTED} trained but not promoted (also when the candidate diverged), the
 * usual {@link Failures} codes otherwise. A rerun after a crash resumes the candidate from its
 * checkpoints in DIR/work.
 */
final class Retrain {
  static final Set<String> FLAGS = Set.of("--models", "--margin", "--keep", "--master");
  /** Checkpoint interval when the config sets none: a crashed retrain must have something to resume. */
  static final long DEFAULT_CHECKPOINT_EVERY = 100;

  private Retrain() {}

  static int run(CliArgs a, String configPath, PrintStream out, PrintStream err) throws Exception {
    if (configPath == null || configPath.startsWith("--")) throw new CliArgs.UsageError("retrain needs a CONFIG file");
    String models = a.required("--models");
    double margin = number(a.get("--margin", "0"), "--margin");
    int keep = (int) number(a.get("--keep", "5"), "--keep");
    if (keep < 1 || keep != number(a.get("--keep", "5"), "--keep")) {
      throw new CliArgs.UsageError("--keep must be an integer >= 1, got " + a.get("--keep", null));
    }
    Conf root = Main.readConfig(configPath);
    Map<String, String> settings = RunRecord.settings(root);
    RunConfig rc = RunConfig.parse(root, configPath);
    if (rc.data().test() == null) {
      throw new Conf.ConfigError(configPath + ": retrain compares models on a holdout: set data.test-images and"
          + " data.test-labels (or data.test)");
    }
    String master = a.get("--master", rc.spark().master());
    Configuration hadoop = new Configuration();
    ModelVersions versions = new ModelVersions(models, hadoop);
    org.apache.hadoop.fs.Path current = versions.current();
    RunConfig run = rc.withOutputDir(versions.workDir());
    settings.put("output.dir", hocon(versions.workDir()));
    if (current != null && rc.initFrom() == null) {
      run = run.withInitFrom(ModelVersions.model(current));
      settings.put("train.init-from", hocon(run.initFrom()));
    }
    if (run.output().checkpointEvery() == 0) run = run.withCheckpointEvery(DEFAULT_CHECKPOINT_EVERY);
    out.println("dptrain retrain: current model " + (current == null ? "none (the first candidate is promoted)"
        : ModelVersions.model(current)) + "; candidate in " + versions.workDir());

    String diverged = null;
    try {
      Main.train(run, settings, master, Main.Takeover.NEW_RUN, out, err);
    } catch (Exception e) { // Spark's exceptions are checked but undeclared
      Failures.Outcome o = Failures.classify(e);
      if (o.exit() != Failures.DIVERGED) throw e;
      diverged = o.message();
    }
    Evaluation candidate = null;
    Evaluation now = null;
    if (diverged == null) {
      try (SparkSession spark = Main.session(rc, master, "dptrain retrain: holdout")) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        candidate = ModelCommands.evaluateOn(spark, ModelStore.load(versions.workDir() + "/model", conf), rc.data().test());
        if (current != null) now = ModelCommands.evaluateOn(spark, ModelStore.load(ModelVersions.model(current), conf), rc.data().test());
      }
    }
    String why = diverged != null ? "the candidate " + diverged : verdict(candidate, now, margin);
    boolean promote = why == null;
    String record = record(promote, why, candidate, now, margin, current, rc);
    org.apache.hadoop.fs.Path where = versions.settle(promote, record, configText(configPath), keep);
    if (promote) {
      out.println("dptrain retrain: promoted " + where + " (holdout " + describe(candidate) + (now == null ? ""
          : "; previous " + describe(now)) + ")");
      return 0;
    }
    out.println("dptrain retrain: not promoted: " + why + "; the current model stays "
        + (current == null ? "none" : ModelVersions.model(current)) + "; the candidate is kept in " + where);
    return Failures.NOT_PROMOTED;
  }

  /**
   * Null when the candidate may replace the current model, else why not: classifiers compare
   * holdout accuracy (candidate ≥ current − margin), other models mean loss (≤ current + margin).
   */
  static String verdict(Evaluation candidate, Evaluation current, double margin) {
    if (current == null) return null;
    if (candidate.hasAccuracy) {
      return candidate.accuracy() >= current.accuracy() - margin ? null : String.format(Locale.ROOT,
          "holdout accuracy %.6f < current %.6f - margin %.6f", candidate.accuracy(), current.accuracy(), margin);
    }
    return candidate.meanLoss() <= current.meanLoss() + margin ? null : String.format(Locale.ROOT,
        "holdout loss %.6f > current %.6f + margin %.6f", candidate.meanLoss(), current.meanLoss(), margin);
  }

  private static String record(boolean promote, String why, Evaluation candidate, Evaluation current, double margin,
                               org.apache.hadoop.fs.Path currentDir, RunConfig rc) {
    StringBuilder sb = new StringBuilder("# dptrain retrain: the gate's decision and the holdout metrics\n");
    sb.append("decision=").append(promote ? "promoted" : "rejected").append('\n');
    if (why != null) sb.append("reason=").append(why.replace('\n', ' ')).append('\n');
    sb.append("time=").append(Instant.now()).append('\n');
    sb.append("margin=").append(margin).append('\n');
    sb.append("holdout=").append(rc.data().test().path()).append('\n');
    sb.append("previous=").append(currentDir == null ? "" : currentDir.toString()).append('\n');
    metrics(sb, "candidate", candidate);
    metrics(sb, "previous", current);
    return sb.toString();
  }

  private static void metrics(StringBuilder sb, String who, Evaluation e) {
    if (e == null) return;
    sb.append(who).append(".loss=").append(e.meanLoss()).append('\n');
    if (e.hasAccuracy) sb.append(who).append(".accuracy=").append(e.accuracy()).append('\n');
    sb.append(who).append(".examples=").append(e.count).append('\n');
  }

  private static String describe(Evaluation e) {
    return e.hasAccuracy ? String.format(Locale.ROOT, "accuracy %.6f", e.accuracy())
        : String.format(Locale.ROOT, "loss %.6f", e.meanLoss());
  }

  private static double number(String s, String flag) {
    try {
      double v = Double.parseDouble(s);
      if (v >= 0 && Double.isFinite(v)) return v;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CliArgs.UsageError(flag + " must be a number >= 0, got " + s);
  }

  private static String hocon(String s) {
    return ConfigValueFactory.fromAnyRef(s).render(ConfigRenderOptions.concise());
  }

  private static String configText(String path) throws IOException {
    return Files.readString(Path.of(path));
  }
}
