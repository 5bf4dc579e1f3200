package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.metrics.MetricsLog;
import dev.dptrain.driver.progress.ConsoleProgress;
import dev.dptrain.driver.report.HtmlReport;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.ops.BlasInfo;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code dptrain} command: {@code train CONFIG} trains on Spark (local mode by default) and
 * saves the model, {@code evaluate} and {@code predict} run a saved model over data (distributed),
 * {@code info} prints a config's or a saved model's summary. Usage errors exit with status 2.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static final String USAGE = """
      usage: dptrain train CONFIG [--master URL]
             dptrain evaluate --model DIR --data PATH [--labels PATH] [DATA OPTIONS] [--master URL]
             dptrain predict --model DIR --input PATH --output PATH [--output-format parquet|csv]
                             [DATA OPTIONS] [--master URL]
             dptrain info CONFIG | --model DIR
      DATA OPTIONS: --format idx|libsvm|csv|parquet (default: from the file extension)
                    --label-column C  --features-column C  --header  --delimiter C""";

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 0) return usage(err, null);
    try {
      return switch (args[0]) {
        case "train" -> runTrain(args, out, err);
        case "info" -> runInfo(args, out, err);
        case "evaluate" -> ModelCommands.evaluate(CliArgs.parse(args, 1, ModelCommands.EVALUATE_FLAGS), out);
        case "predict" -> ModelCommands.predict(CliArgs.parse(args, 1, ModelCommands.PREDICT_FLAGS), out);
        default -> usage(err, "unknown command " + args[0]);
      };
    } catch (CliArgs.UsageError e) {
      return usage(err, e.getMessage());
    } catch (Conf.ConfigError e) {
      err.println("dptrain: config error: " + e.getMessage());
      return 2;
    }
  }

  private static int usage(PrintStream err, String problem) {
    if (problem != null) err.println("dptrain: " + problem);
    err.println(USAGE);
    return 2;
  }

  private static int runInfo(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length == 3 && args[1].equals("--model")) {
      out.print(ModelCommands.describe(args[2]));
      return 0;
    }
    if (args.length != 2 || args[1].startsWith("--")) return usage(err, "info takes CONFIG or --model DIR");
    RunConfig rc = RunConfig.parse(Conf.parseFile(new File(args[1])), args[1]);
    out.print(Network.build(rc.network()).summary());
    return 0;
  }

  private static int runTrain(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length < 2 || args[1].startsWith("--")) return usage(err, "train needs a CONFIG file");
    RunConfig rc = RunConfig.parse(Conf.parseFile(new File(args[1])), args[1]);
    String master = rc.spark().master();
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--master") && i + 1 < args.length) master = args[++i];
      else return usage(err, "unknown argument " + args[i]);
    }
    train(rc, master, out);
    return 0;
  }

  static TrainingState train(RunConfig rc, String master, PrintStream out) throws Exception {
    SparkConf conf = SparkSessions.baseConf("dptrain " + rc.source());
    if (!conf.contains("spark.master")) conf.setMaster(master);
    rc.spark().conf().forEach(conf::set);
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.setLogLevel("WARN");
      out.println("dptrain: BLAS " + BlasInfo.describe() + (BlasInfo.isSlow() ? "  (SLOW: see README)" : ""));
      out.print(Network.build(rc.network()).summary());
      TrainingData data = TrainingData.load(rc, spark);
      int partitions = rc.spark().partitions();
      JavaRDD<PackedPartition> trainRdd = data.trainRdd();
      JavaRDD<PackedPartition> testRdd = data.testRdd();
      long perEpoch = new BatchPlan(BatchPlan.evenSplit(data.trainSize(), partitions), rc.train().batchSize(),
          rc.train().seed()).stepsPerEpoch();
      out.printf(Locale.ROOT, "dptrain: %d training examples in %d partitions, batch %d, %d steps/epoch, %d epochs, master %s%n",
          data.trainSize(), partitions, rc.train().batchSize(), perEpoch, rc.train().epochs(), sc.master());
      out.println("dptrain: training data cached: " + DistributedData.storage(trainRdd, data.trainSize()));
      if (data.standardizer().constantCount() > 0) {
        out.println("dptrain: warning: " + data.standardizer().constantCount() + " of " + data.standardizer().mean().length
            + " standardisation groups are constant in the training data; they are centred and not scaled (std 1)");
      }
      SparkTrainer.Options opts = SparkTrainer.Options.builder()
          .optTreeDepth(rc.spark().treeDepth())
          .optCheckpoints(rc.output().checkpointEvery() > 0 ? rc.output().dir() + "/checkpoints" : null,
              rc.output().checkpointEvery())
          .optPreciseBn(rc.spark().preciseBnBatches())
          .optTransport(StepTransport.Kind.parse(rc.spark().transport()))
          .optChannelPort(rc.spark().channelPort())
          .build();
      SparkTrainer trainer = new SparkTrainer(sc, rc.network(), rc.train(), opts);
      ConsoleProgress progress = new ConsoleProgress(out,
          ConsoleProgress.Mode.parse(rc.output().progress()).resolveForStdout(), rc.output().logEvery(), perEpoch,
          rc.train().epochs(), System::nanoTime);
      TrainingState state;
      try (MetricsLog metrics = new MetricsLog(MetricsLog.open(rc.output().dir(), sc.hadoopConfiguration()),
          trainer.network(), new MetricsLog.RunInfo(configText(rc), perEpoch, rc.train().epochs(), rc.train().batchSize()),
          rc.output().logEvery(), System::nanoTime)) {
        state = trainer.fit(trainRdd, testRdd, TrainingLoop.Listener.all(progress, metrics));
      } finally {
        writeReport(rc, sc, out); // also for a failed run: the plots up to the failure
      }
      ModelCommands.saveTrained(rc, trainer, state, data, sc.hadoopConfiguration(), out);
      return state;
    }
  }

  private static void writeReport(RunConfig rc, JavaSparkContext sc, PrintStream out) {
    try {
      out.println("dptrain: report " + HtmlReport.write(rc.output().dir(), sc.hadoopConfiguration()));
    } catch (IOException | IllegalArgumentException e) {
      out.println("dptrain: no report.html: " + e.getMessage());
    }
  }

  /** The config file's text for the run record; empty when the config did not come from a file. */
  private static String configText(RunConfig rc) throws IOException {
    Path file = Path.of(rc.source());
    return Files.isRegularFile(file) ? Files.readString(file) : "";
  }
}
