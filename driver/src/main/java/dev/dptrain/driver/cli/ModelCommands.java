package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.io.ModelRunner;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.driver.io.PredictionWriter;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.DataRecipe;
import dev.dptrain.model.io.DptrainVersion;
import dev.dptrain.model.io.RunProvenance;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The sub-commands around a saved model: save after training, evaluate, predict, info. */
final class ModelCommands {
  private static final Set<String> DATA_FLAGS = Set.of("--model", "--format", "--labels", "--label-column",
      "--features-column", "--header", "--no-header", "--delimiter", "--master");
  static final Set<String> EVALUATE_FLAGS = union(DATA_FLAGS, "--data");
  static final Set<String> PREDICT_FLAGS = union(DATA_FLAGS, "--input", "--output", "--output-format", "--single-file",
      "--overwrite", "--keep");

  private ModelCommands() {}

  /** Evaluates the final state, prints the test result and saves the model to output.dir/model. */
  static void saveTrained(RunConfig rc, SparkTrainer trainer, TrainingState state, TrainingData data,
                          Configuration hadoop, PrintStream out) throws IOException {
    FinalMetrics metrics = FinalMetrics.of(trainer, state, data, rc.train().earlyStopping());
    if (metrics.test() != null) out.println("dptrain: final test " + metrics.test());
    SavedModel model = new SavedModel(rc.modelConfig(), state.params, state.normState, data.standardizer(),
        SavedModel.classesOf(trainer.network()),
        new SavedModel.Provenance(DptrainVersion.get(), rc.train().seed(), rc.train().epochs(), state.step,
            metrics.values(), rc.provenance(SparkSessions.sparkVersion(), data.trainSize(), metrics.testExamples())),
        data.recipe());
    out.println("dptrain: model saved to " + ModelStore.save(model, rc.output().dir() + "/model", hadoop));
  }

  static int evaluate(CliArgs a, PrintStream out) throws IOException {
    String modelDir = a.required("--model");
    String data = a.required("--data");
    checkFormatFlag(a);
    try (SparkSession spark = session(a, "dptrain evaluate")) {
      SavedModel model = ModelStore.load(modelDir, spark.sparkContext().hadoopConfiguration());
      DataSource src = source(a, data, true, model.recipe());
      Evaluation ev = evaluateOn(spark, model, src);
      out.printf(Locale.ROOT, "dptrain: %s: %d examples  %s%n", src.path(), ev.count, figures(ev));
      return 0;
    }
  }

  /** The one evaluation of a saved model on labelled data: read on the executors, standardised its way. */
  static Evaluation evaluateOn(SparkSession spark, SavedModel model, DataSource src) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Network net = Network.build(model.spec());
    Shape shape = net.spec().input();
    DataRecipe r = model.recipe();
    JavaRDD<PackedPartition> rdd = DistributedData.cache(DistributedData.partitions(
        DistributedData.records(spark, src, shape, TrainingData.labelRule(net, r.labels())), shape,
        sc.defaultParallelism(), 0, 0), model.standardizer(), r.targetMean(), r.targetStd());
    try {
      return DistributedData.run(() -> ModelRunner.evaluate(sc, model, rdd, 2));
    } finally {
      rdd.unpersist(false);
    }
  }

  static int predict(CliArgs a, PrintStream out) throws IOException {
    String modelDir = a.required("--model");
    String input = a.required("--input");
    String output = a.required("--output");
    boolean singleFile = a.has("--single-file");
    checkFormatFlag(a);
    String outFormat = a.get("--output-format", "parquet");
    if (!outFormat.equals("parquet") && !outFormat.equals("csv")) {
      throw new CliArgs.UsageError("--output-format must be parquet or csv, got " + outFormat);
    }
    if (singleFile && !outFormat.equals("csv")) throw new CliArgs.UsageError("--single-file writes CSV: add --output-format csv");
    try (SparkSession spark = session(a, "dptrain predict")) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      if (!a.has("--overwrite")) OutputChecks.newPath("--output", output, sc.hadoopConfiguration()); // before any work
      SavedModel model = ModelStore.load(modelDir, sc.hadoopConfiguration());
      DataSource src = source(a, input, false, model.recipe());
      List<String> keep = a.has("--keep") ? List.of(a.get("--keep", "").split(",")) : List.of();
      var records = DistributedData.records(spark, src, model.spec().input(), LabelRule.IGNORED, keep);
      var rows = ModelRunner.predict(spark, model, records, keep).cache();
      PredictionWriter.write(rows, output, outFormat, singleFile, a.has("--overwrite"), sc.hadoopConfiguration());
      long n = rows.count();
      rows.unpersist();
      out.printf(Locale.ROOT, "dptrain: wrote %d predictions to %s (%s%s)%n", n, output, outFormat,
          singleFile ? ", one file" : "");
      return 0;
    }
  }

  /** Summary of a saved model: network, preprocessing, classes and provenance. */
  static String describe(String modelDir) throws IOException {
    SavedModel m = ModelStore.load(modelDir, new Configuration());
    StringBuilder sb = new StringBuilder(Network.build(m.spec()).summary());
    Standardizer st = m.standardizer();
    sb.append("classes: ").append(m.classes() == 0 ? "none (regression)" : m.classes())
        .append(m.recipe().labels().mapped() ? ", labels " + m.recipe().labels() : "").append('\n');
    DataRecipe recipe = m.recipe();
    if (recipe.format() != null) {
      sb.append("data read as: ").append(recipe.format()).append(recipe.format().equals("csv") ? ", header "
          + recipe.header() + ", delimiter '" + recipe.delimiter() + "'" : "")
          .append(recipe.labelColumn() == null ? "" : ", label column " + recipe.labelColumn())
          .append(recipe.featuresColumn() == null ? "" : ", features column " + recipe.featuresColumn()).append('\n');
    }
    if (recipe.scalesTarget()) {
      sb.append(String.format(Locale.ROOT, "target standardisation: mean %s std %s%n", recipe.targetMean(),
          recipe.targetStd()));
    }
    sb.append("input standardisation: ").append(st.mode().name().toLowerCase(Locale.ROOT))
        .append(st.mode() == Standardizer.Mode.NONE ? "" : (st.perChannel() ? " per channel" : " global")
            + " mean " + Arrays.toString(st.mean()) + " std " + Arrays.toString(st.std())).append('\n');
    SavedModel.Provenance p = m.provenance();
    sb.append(String.format(Locale.ROOT, "trained by dptrain %s, seed %d, %d epochs, %d steps%n",
        p.dptrainVersion(), p.seed(), p.epochs(), p.steps()));
    p.metrics().forEach((k, v) -> sb.append(v == Math.rint(v) ? String.format(Locale.ROOT, "  %s = %d%n", k, v.longValue())
        : String.format(Locale.ROOT, "  %s = %.6f%n", k, v)));
    RunProvenance r = p.run();
    if (r == null) return sb.append("run details: not recorded (model format version 1)\n").toString();
    RunProvenance.Environment env = r.environment();
    RunProvenance.DataOrigin d = r.data();
    sb.append("trained at ").append(r.trainedAt()).append('\n')
        .append(String.format(Locale.ROOT, "environment: Spark %s, Java %s (%s), %s %s%n", env.spark(), env.java(),
            env.javaVendor(), env.os(), env.arch()))
        .append("BLAS: ").append(env.blas()).append('\n')
        .append(String.format(Locale.ROOT, "data: %s, train %s (%d examples)", d.format(),
            String.join(" ", d.trainPaths()), d.trainExamples()))
        .append(d.testPaths().isEmpty() ? ", no test data" : String.format(Locale.ROOT, ", test %s (%d examples)",
            String.join(" ", d.testPaths()), d.testExamples()))
        .append("\nrun config:\n");
    r.config().lines().forEach(l -> sb.append("  ").append(l).append('\n'));
    return sb.toString();
  }

  /** Figures of an evaluation: loss and accuracy for a classifier, MSE, RMSE, MAE and R² for regression. */
  static String figures(Evaluation ev) {
    if (ev.hasRegression()) {
      return String.format(Locale.ROOT, "mse %.6g  rmse %.6g  mae %.6g  r2 %.6f", ev.mse(), ev.rmse(), ev.mae(), ev.r2());
    }
    return String.format(Locale.ROOT, "loss %.6f%s", ev.meanLoss(),
        ev.hasAccuracy ? String.format(Locale.ROOT, "  accuracy %.6f", ev.accuracy()) : "");
  }

  /**
   * How to read {@code path}: each flag given wins; otherwise the model's recorded way of reading
   * its training data (when the format is the same), else the format's defaults.
   */
  private static DataSource source(CliArgs a, String path, boolean labelled, DataRecipe recipe) {
    String format = a.get("--format", formatOf(path, recipe.format()));
    if (!Arrays.asList(DataSource.FORMATS).contains(format)) {
      throw new CliArgs.UsageError("--format must be one of " + String.join(", ", DataSource.FORMATS) + ", got " + format);
    }
    DataRecipe r = format.equals(recipe.format()) ? recipe : DataRecipe.UNKNOWN;
    String delim = a.get("--delimiter", String.valueOf(r.format() == null ? ',' : r.delimiter()));
    if (delim.length() != 1) throw new CliArgs.UsageError("--delimiter must be one character, got '" + delim + "'");
    boolean header = a.has("--header") || (r.header() && !a.has("--no-header"));
    return switch (format) {
      case "idx" -> DataSource.idx(path, labelled ? a.required("--labels") : a.get("--labels", null));
      case "csv" -> new DataSource("csv", path, null,
          a.get("--label-column", r.labelColumn() != null ? r.labelColumn() : labelled ? "0" : null), null,
          header, delim.charAt(0));
      case "parquet" -> new DataSource("parquet", path, null,
          a.get("--label-column", r.labelColumn() != null ? r.labelColumn() : "label"),
          a.get("--features-column", r.featuresColumn() != null ? r.featuresColumn() : "features"), false, ',');
      default -> new DataSource(format, path, null, null, null, false, ',');
    };
  }

  private static void checkFormatFlag(CliArgs a) {
    if (a.has("--format") && !Arrays.asList(DataSource.FORMATS).contains(a.get("--format", null))) {
      throw new CliArgs.UsageError("--format must be one of " + String.join(", ", DataSource.FORMATS) + ", got "
          + a.get("--format", null));
    }
  }

  /** The format named by the file's extension, else the model's training format. */
  private static String formatOf(String path, String trainedOn) {
    String p = path.toLowerCase(Locale.ROOT).replaceAll("\\.gz$", "").replaceAll("/+$", "");
    if (p.endsWith(".csv")) return "csv";
    if (p.endsWith(".parquet")) return "parquet";
    if (p.endsWith(".libsvm") || p.endsWith(".svm")) return "libsvm";
    if (p.endsWith("-ubyte")) return "idx";
    if (trainedOn != null) return trainedOn;
    throw new CliArgs.UsageError("cannot tell the format of " + path + " from its name; give --format");
  }

  private static SparkSession session(CliArgs a, String app) {
    SparkConf conf = SparkSessions.baseConf(app);
    if (a.has("--master")) conf.setMaster(a.get("--master", null));
    else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  private static Set<String> union(Set<String> base, String... more) {
    Set<String> s = new java.util.HashSet<>(base);
    s.addAll(Arrays.asList(more));
    return Set.copyOf(s);
  }
}
