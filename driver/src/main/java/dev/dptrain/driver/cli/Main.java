package dev.dptrain.driver.cli;

import dev.dptrain.driver.HadoopData;
import dev.dptrain.driver.PackedData;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.metrics.MetricsLog;
import dev.dptrain.driver.progress.ConsoleProgress;
import dev.dptrain.driver.report.HtmlReport;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.ops.BlasInfo;
import dev.dptrain.model.train.BatchPlan;
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

/**
 * The {@code dptrain} command: {@code train CONFIG} trains on Spark (local mode by default),
 * {@code info CONFIG} prints the model summary.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    if (args.length < 2 || !(args[0].equals("train") || args[0].equals("info"))) {
      err.println("usage: dptrain train CONFIG [--master URL]\n       dptrain info CONFIG");
      return 2;
    }
    RunConfig rc;
    try {
      rc = RunConfig.parse(Conf.parseFile(new File(args[1])), args[1]);
    } catch (Conf.ConfigError e) {
      err.println("dptrain: config error: " + e.getMessage());
      return 2;
    }
    Network network = Network.build(rc.network());
    if (args[0].equals("info")) {
      out.print(network.summary());
      return 0;
    }
    String master = rc.spark().master();
    for (int i = 2; i < args.length; i++) {
      if (args[i].equals("--master") && i + 1 < args.length) master = args[++i];
      else {
        err.println("dptrain: unknown argument " + args[i]);
        return 2;
      }
    }
    train(rc, master, out);
    return 0;
  }

  static TrainingState train(RunConfig rc, String master, PrintStream out) throws Exception {
    SparkConf conf = SparkSessions.baseConf("dptrain " + rc.source());
    if (!conf.contains("spark.master")) conf.setMaster(master);
    rc.spark().conf().forEach(conf::set);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      out.println("dptrain: BLAS " + BlasInfo.describe() + (BlasInfo.isSlow() ? "  (SLOW: see README)" : ""));
      out.print(Network.build(rc.network()).summary());
      RunConfig.Data d = rc.data();
      Dataset train = HadoopData.readIdx(d.trainImages(), d.trainLabels(), sc.hadoopConfiguration());
      if (d.limit() > 0 && d.limit() < train.size()) train = train.slice(0, d.limit());
      Dataset test = d.testImages() == null ? null
          : HadoopData.readIdx(d.testImages(), d.testLabels(), sc.hadoopConfiguration());
      checkInput(rc, train);
      int partitions = rc.spark().partitions();
      JavaRDD<PackedPartition> trainRdd = PackedData.fromDataset(sc, train, partitions);
      JavaRDD<PackedPartition> testRdd = test == null ? null : PackedData.fromDataset(sc, test, partitions);
      // Fitted on the training data in one distributed pass, applied on the executors.
      Standardizer st = PackedData.fitStandardizer(sc, trainRdd, d.standardize(), d.perChannel());
      trainRdd = PackedData.standardize(trainRdd, st);
      if (testRdd != null) testRdd = PackedData.standardize(testRdd, st);
      out.println("dptrain: input " + describe(st));
      long perEpoch = new BatchPlan(BatchPlan.evenSplit(train.size(), partitions), rc.train().batchSize(),
          rc.train().seed()).stepsPerEpoch();
      out.printf(Locale.ROOT, "dptrain: %d training examples in %d partitions, batch %d, %d steps/epoch, %d epochs, master %s%n",
          train.size(), partitions, rc.train().batchSize(), perEpoch, rc.train().epochs(), sc.master());
      SparkTrainer.Options opts = new SparkTrainer.Options(rc.spark().treeDepth(),
          rc.output().checkpointEvery() > 0 ? rc.output().dir() + "/checkpoints" : null,
          rc.output().checkpointEvery(), rc.spark().preciseBnBatches(), -1);
      SparkTrainer trainer = new SparkTrainer(sc, rc.network(), rc.train(), opts);
      ConsoleProgress progress = new ConsoleProgress(out,
          ConsoleProgress.Mode.parse(rc.output().progress()).resolveForStdout(), rc.output().logEvery(), perEpoch,
          rc.train().epochs(), System::nanoTime);
      TrainingState state;
      try (MetricsLog metrics = new MetricsLog(MetricsLog.open(rc.output().dir(), sc.hadoopConfiguration()),
          trainer.network(), new MetricsLog.RunInfo(configText(rc), perEpoch, rc.train().epochs(), rc.train().batchSize()),
          rc.output().logEvery(), System::nanoTime)) {
        state = trainer.fit(trainRdd, testRdd, SparkTrainer.Listener.all(progress, metrics));
      } finally {
        writeReport(rc, sc, out); // also for a failed run: the plots up to the failure
      }
      if (testRdd != null) out.println("dptrain: final test " + trainer.evaluate(testRdd, state));
      return state;
    }
  }

  private static String describe(Standardizer st) {
    if (st.mode() == Standardizer.Mode.NONE) return "used as is (standardize = none)";
    return String.format(Locale.ROOT, "%s %s: mean %s, std %s", st.mode().name().toLowerCase(Locale.ROOT),
        st.perChannel() ? "per channel" : "globally", java.util.Arrays.toString(st.mean()),
        java.util.Arrays.toString(st.std()));
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

  private static void checkInput(RunConfig rc, Dataset train) {
    int want = rc.network().input().size();
    if (train.shape().size() != want) {
      throw new IllegalArgumentException(rc.data().trainImages() + ": examples have " + train.shape().size()
          + " features (" + train.shape() + ") but model.input needs " + want + " (" + rc.network().input() + ")");
    }
  }
}
