package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.driver.metrics.MetricsLog;
import dev.dptrain.driver.progress.ConsoleProgress;
import dev.dptrain.driver.report.HtmlReport;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Network;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.io.WarmStart;
import dev.dptrain.model.ops.BlasInfo;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code dptrain} command: {@code train CONFIG} trains on Spark (local mode by default) and
 * saves the model, {@code evaluate} and {@code predict} run a saved model over data (distributed),
 * {@code info} prints a config's or a saved model's summary. Every failure ends as one line
 * {@code dptrain: error: ...} on stderr and an exit status from {@link Failures}; {@code --debug}
 * (or {@code DPTRAIN_DEBUG=1}) prints the stack trace before it.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static final String USAGE = """
      usage: dptrain train CONFIG [--master URL] [--new-run | --force] [--init-from MODEL]
             dptrain retrain CONFIG --models DIR [--margin M] [--keep N] [--master URL]
             dptrain evaluate --model DIR --data PATH [--labels PATH] [DATA OPTIONS] [--master URL]
             dptrain predict --model DIR --input PATH --output PATH [--output-format parquet|csv]
                             [--single-file] [--overwrite] [--keep COLUMNS] [DATA OPTIONS] [--master URL]
             dptrain info CONFIG | --model DIR
             dptrain check CONFIG [--steps N] [--master URL]
             dptrain lr-find CONFIG [--min-lr X] [--max-lr Y] [--steps N] [--master URL]
             dptrain search CONFIG [--master URL]
      DATA OPTIONS: --format idx|libsvm|csv|parquet (default: from the file extension, else as trained)
                    --label-column C (0-based or a header name)  --features-column C  --header | --no-header
                    --delimiter C   (each defaults to how the model's training data was read)
      any command: --debug (or DPTRAIN_DEBUG=1) prints the stack trace of an error""";

  /** Examples of the per-epoch layer-health probe (metrics.jsonl layers_health). */
  static final int HEALTH_EXAMPLES = 256;

  static int run(String[] argv, PrintStream out, PrintStream err) {
    List<String> list = new ArrayList<>(List.of(argv));
    boolean debug = list.remove("--debug") | "1".equals(System.getenv("DPTRAIN_DEBUG"));
    while (list.remove("--debug")) {
      // given twice: once is enough
    }
    String[] args = list.toArray(String[]::new);
    try {
      if (args.length == 0) return usage(err, "no command given");
      return switch (args[0]) {
        case "train" -> runTrain(args, out, err);
        case "retrain" -> Retrain.run(CliArgs.parse(args, 2, Retrain.FLAGS), args.length > 1 ? args[1] : null, out, err);
        case "info" -> runInfo(args, out, err);
        case "check" -> TuningCommands.check(configArg(args), CliArgs.parse(args, 2, TuningCommands.CHECK_FLAGS), out);
        case "lr-find" -> TuningCommands.lrFind(configArg(args), CliArgs.parse(args, 2, TuningCommands.LR_FIND_FLAGS), out);
        case "search" -> SearchCommand.run(configArg(args), CliArgs.parse(args, 2, SearchCommand.FLAGS), out);
        case "evaluate" -> ModelCommands.evaluate(CliArgs.parse(args, 1, ModelCommands.EVALUATE_FLAGS), out);
        case "predict" -> ModelCommands.predict(CliArgs.parse(args, 1, ModelCommands.PREDICT_FLAGS), out);
        default -> usage(err, "unknown command " + args[0]);
      };
    } catch (CliArgs.UsageError e) {
      if (debug) e.printStackTrace(err);
      return usage(err, e.getMessage());
    } catch (Throwable t) {
      Failures.Outcome o = Failures.classify(t);
      if (debug) t.printStackTrace(err);
      String msg = o.message();
      if (debug) msg = msg.replace(" (run with --debug for the trace)", "");
      err.println("dptrain: error: " + msg);
      err.flush();
      return o.exit();
    }
  }

  /** The CONFIG argument of a command that takes one first. */
  private static String configArg(String[] args) {
    if (args.length < 2 || args[1].startsWith("--")) throw new CliArgs.UsageError(args[0] + " needs a CONFIG file");
    return args[1];
  }

  private static int usage(PrintStream err, String problem) {
    err.println("dptrain: error: " + Failures.oneLine(problem));
    err.println(USAGE);
    return Failures.USAGE;
  }

  private static int runInfo(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 3 && args[1].equals("--model")) {
      out.print(ModelCommands.describe(args[2]));
      return 0;
    }
    if (args.length != 2 || args[1].startsWith("--")) return usage(err, "info takes CONFIG or --model DIR");
    RunConfig rc = RunConfig.parse(readConfig(args[1]), args[1]);
    out.print(Network.build(rc.network()).summary());
    return 0;
  }

  /** Parses a config file; a missing file or one that is not text is a config error, not a parser's dump. */
  static Conf readConfig(String path) throws IOException {
    Path p = Path.of(path);
    if (Files.isDirectory(p)) throw new Conf.ConfigError(path + ": is a directory, expected a config file");
    if (!Files.isRegularFile(p)) throw new Conf.ConfigError(path + ": config file not found");
    byte[] bytes = Files.readAllBytes(p);
    boolean text = true;
    for (byte b : bytes) {
      if (b == 0) {
        text = false;
        break;
      }
    }
    if (text) {
      try {
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      } catch (CharacterCodingException e) {
        text = false;
      }
    }
    if (!text) {
      throw new Conf.ConfigError(path + ": not a text config file (" + bytes.length
          + " bytes of binary data); expected a HOCON file like conf/fashion-mlp.conf");
    }
    return Conf.parseFile(new File(path));
  }

  /** What to do with an output.dir that holds a run of a different config. */
  enum Takeover { REFUSE, NEW_RUN, FORCE }

  private static int runTrain(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length < 2 || args[1].startsWith("--")) return usage(err, "train needs a CONFIG file");
    String master = null;
    Takeover takeover = Takeover.REFUSE;
    String initFrom = null;
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--master") && i + 1 < args.length) master = args[++i];
      else if (args[i].equals("--init-from") && i + 1 < args.length) initFrom = args[++i];
      else if (args[i].equals("--new-run") || args[i].equals("--force")) {
        Takeover t = args[i].equals("--new-run") ? Takeover.NEW_RUN : Takeover.FORCE;
        if (takeover != Takeover.REFUSE && takeover != t) return usage(err, "--new-run and --force exclude each other");
        takeover = t;
      } else return usage(err, "unknown argument " + args[i]);
    }
    Conf root = readConfig(args[1]);
    Map<String, String> settings = RunRecord.settings(root);
    RunConfig rc = RunConfig.parse(root, args[1]);
    if (initFrom != null) {
      rc = rc.withInitFrom(initFrom);
      settings.put("train.init-from", ConfigValueFactory.fromAnyRef(initFrom).render(ConfigRenderOptions.concise()));
    }
    train(rc, settings, master == null ? rc.spark().master() : master, takeover, out, err);
    return 0;
  }

  static TrainingState train(RunConfig rc, Map<String, String> settings, String master, Takeover takeover,
                             PrintStream out, PrintStream err) throws Exception {
    try (SparkSession spark = session(rc, master, "dptrain " + rc.source())) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Configuration hadoop = sc.hadoopConfiguration();
      String dir = rc.output().dir();
      // Everything that can be checked before the work is checked here, before any data is read.
      OutputChecks.directory("output.dir", dir, hadoop);
      String started = claimRunDirectory(rc, settings, takeover, hadoop, out);
      Network net = Network.build(rc.network());
      long ckptBytes = 4L * (net.paramCount() + net.stateCount()
          + rc.train().optimizer().stateSize(net.paramCount()));
      OutputChecks.space("output.dir", dir, hadoop, 4L * (net.paramCount() + net.stateCount())
          + (rc.output().checkpointEvery() > 0 ? 3 * ckptBytes : 0) + (1 << 20));
      RunRecord.write(dir, hadoop, settings, "started", started);

      out.println("dptrain: BLAS " + BlasInfo.describe() + (BlasInfo.isSlow() ? "  (SLOW: see README)" : ""));
      out.print(net.summary());
      SavedModel init = rc.initFrom() == null ? null : warmStart(rc, hadoop, out);
      TrainingData data = TrainingData.load(rc, spark, init == null ? null : init.standardizer());
      int partitions = rc.spark().partitions();
      JavaRDD<PackedPartition> trainRdd = data.trainRdd();
      JavaRDD<PackedPartition> testRdd = data.testRdd();
      if (rc.train().batchSize() > data.trainSize()) {
        err.printf(Locale.ROOT, "dptrain: warning: batch-size %d is larger than the %d training examples: every step"
            + " uses the whole data set once%n", rc.train().batchSize(), data.trainSize());
      }
      long perEpoch = new BatchPlan(BatchPlan.evenSplit(data.trainSize(), partitions), rc.train().batchSize(),
          rc.train().seed()).stepsPerEpoch();
      out.printf(Locale.ROOT, "dptrain: %d training examples in %d partitions, batch %d, %d steps/epoch, %d epochs, master %s%n",
          data.trainSize(), partitions, rc.train().batchSize(), perEpoch, rc.train().epochs(), sc.master());
      out.println("dptrain: training data cached: " + DistributedData.storage(trainRdd, data.trainSize()));
      if (data.standardizer().constantCount() > 0) {
        out.println("dptrain: warning: " + data.standardizer().constantCount() + " of " + data.standardizer().mean().length
            + " standardisation groups are constant in the training data; they are centred and not scaled (std 1)");
      }
      List<dev.dptrain.model.check.SanityChecks.Result> checks = TuningCommands.warnAtStepZero(rc, data, err);
      String checkpointDir = rc.output().checkpointEvery() > 0 ? dir + "/checkpoints" : null;
      SparkTrainer.Options opts = SparkTrainer.Options.builder()
          .optTreeDepth(rc.spark().treeDepth())
          .optCheckpoints(checkpointDir, rc.output().checkpointEvery())
          .optPreciseBn(rc.spark().preciseBnBatches())
          .optTransport(StepTransport.Kind.parse(rc.spark().transport()))
          .optChannelPort(rc.spark().channelPort())
          .build();
      SparkTrainer trainer = new SparkTrainer(sc, rc.network(), rc.train(), opts).measureLayerHealth(HEALTH_EXAMPLES);
      if (init != null) trainer.startFrom(init.params(), init.state());
      ConsoleProgress progress = new ConsoleProgress(out,
          ConsoleProgress.Mode.parse(rc.output().progress()).resolveForStdout(), rc.output().logEvery(), perEpoch,
          rc.train().epochs(), System::nanoTime);
      TrainingState state;
      try (MetricsLog metrics = new MetricsLog(MetricsLog.open(dir, hadoop),
          trainer.network(), new MetricsLog.RunInfo(configText(rc), perEpoch, rc.train().epochs(), rc.train().batchSize()),
          rc.output().logEvery(), System::nanoTime)) {
        metrics.checks(checks);
        state = trainer.fit(trainRdd, testRdd, TrainingLoop.Listener.all(progress, metrics));
        if (rc.train().earlyStopping() != null) out.println("dptrain: " + rc.train().earlyStopping().describe(state));
      } finally {
        writeReport(rc, sc, out); // also for a failed run: the plots up to the failure
      }
      try {
        ModelCommands.saveTrained(rc, trainer, state, data, hadoop, out);
      } catch (IOException e) {
        throw new Failures.CliFailure(Failures.IO, Failures.oneLine(e.getMessage()) + (checkpointDir == null
            ? "; the trained parameters are lost (set output.checkpoint-every to keep checkpoints)"
            : "; the checkpoints in " + checkpointDir + " are kept: fix this and rerun the same command to save"
            + " the model without training again"), e);
      }
      RunRecord.write(dir, hadoop, settings, "finished", started);
      return state;
    }
  }

  /** The run's Spark session: dptrain's settings, the master (unless spark-submit set one), spark.conf; logs at WARN. */
  static SparkSession session(RunConfig rc, String master, String app) {
    SparkConf conf = SparkSessions.baseConf(app);
    if (!conf.contains("spark.master")) conf.setMaster(master);
    rc.spark().conf().forEach(conf::set);
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /**
   * The model {@code train.init-from} names, checked against the config's network. Its input
   * standardisation is kept: the parameters were trained on inputs standardised that way.
   */
  private static SavedModel warmStart(RunConfig rc, Configuration hadoop, PrintStream out) throws IOException {
    SavedModel init = ModelStore.load(rc.initFrom(), hadoop);
    try {
      WarmStart.check(rc.network(), init, rc.initFrom());
    } catch (IllegalArgumentException e) {
      throw new Failures.CliFailure(Failures.MODEL, e.getMessage(), e);
    }
    out.println("dptrain: warm start from " + rc.initFrom() + " (its parameters, BN statistics and standardisation)");
    return init;
  }

  /**
   * Refuses to train into a directory that holds a run of a different config (or resume with a
   * changed setting that alters the result), unless {@code --new-run} moves the old run aside or
   * {@code --force} takes the directory over. Returns the run's start time to record.
   */
  private static String claimRunDirectory(RunConfig rc, Map<String, String> settings, Takeover takeover,
                                          Configuration hadoop, PrintStream out) throws IOException {
    String dir = rc.output().dir();
    String now = Instant.now().toString();
    RunRecord.Stored stored = RunRecord.read(dir, hadoop);
    List<String> files = RunRecord.runFiles(dir, hadoop);
    if (stored == null && files.isEmpty()) return now;
    List<String> diffs = stored == null ? List.of() : RunRecord.differences(stored.settings(), settings);
    if (stored != null && diffs.isEmpty()) return stored.started(); // the same run: continue or resume
    String what = stored == null
        ? "holds a run without a run record (" + String.join(", ", files) + ")"
        : "holds a " + stored.state() + " run" + (files.contains("checkpoints") ? " with checkpoints" : "")
            + " whose config differs in settings that change the result: " + String.join("; ", diffs);
    switch (takeover) {
      case NEW_RUN -> {
        String moved = OutputChecks.moveAside(dir, hadoop);
        out.println("dptrain: --new-run: moved the previous run in " + dir + " to " + moved);
        OutputChecks.directory("output.dir", dir, hadoop);
        return now;
      }
      case FORCE -> {
        out.println("dptrain: --force: training into " + dir + ", which " + what);
        return now;
      }
      default -> throw new Failures.CliFailure(Failures.USAGE, "output.dir " + dir + " " + what
          + "; expected the same config (only " + String.join(", ", RunRecord.SAFE.stream().sorted().toList())
          + ", spark.conf.* and search.* may change); use --new-run to move the old run aside or --force to train into it anyway");
    }
  }

  private static void writeReport(RunConfig rc, JavaSparkContext sc, PrintStream out) {
    try {
      out.println("dptrain: report " + HtmlReport.write(rc.output().dir(), sc.hadoopConfiguration()));
    } catch (IOException | IllegalArgumentException | FSError e) { // never hides the run's own failure
      out.println("dptrain: no report.html: " + Failures.oneLine(e.getMessage()));
    }
  }

  /** The config file's text for the run record; empty when the config did not come from a file. */
  private static String configText(RunConfig rc) throws IOException {
    Path file = Path.of(rc.source());
    return Files.isRegularFile(file) ? Files.readString(file) : "";
  }
}
