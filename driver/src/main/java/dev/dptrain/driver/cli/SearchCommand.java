package dev.dptrain.driver.cli;

import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.report.TuningPages;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.driver.tuning.Folds;
import dev.dptrain.driver.tuning.RandomSearch;
import dev.dptrain.driver.tuning.SearchConfig;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.train.TrainingLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dptrain search CONFIG}: the config's {@code search} block run as trials of the Spark
 * trainer on data read and cached once, scored on the test data or by k-fold cross-validation
 * over the training partitions ({@code search.folds}); writes {@code search.jsonl} (one
 * line per trial, rewritten atomically after each) and {@code search.html} into {@code output.dir}.
 */
final class SearchCommand {
  private SearchCommand() {}

  static final Set<String> FLAGS = Set.of("--master");

  static int run(String config, CliArgs a, PrintStream out) throws IOException {
    Conf root = Main.readConfig(config);
    RunConfig rc = RunConfig.parse(root, config);
    if (!root.raw().hasPath("search")) {
      throw new Conf.ConfigError(config + ": search: required block is missing; expected search { space = [...] }"
          + " (docs/config.md)");
    }
    SearchConfig sc = SearchConfig.parse(root.object("search"));
    if (sc.folds() == 0 && rc.data().test() == null) {
      throw root.error("search", "test data to score the trials on (data.test, or data.test-images and"
          + " data.test-labels), or search.folds = k for k-fold cross-validation", "none");
    }
    if (sc.folds() > rc.spark().partitions()) {
      throw root.error("search.folds", "at most spark.partitions (" + rc.spark().partitions() + "): folds are groups of"
          + " training partitions", sc.folds());
    }
    for (var values : sc.grid() ? sc.space().grid(sc.gridPoints()).subList(0, 1) : List.of(sc.space().sample(sc.seed(), 0))) {
      RunConfig.parse(new Conf(SearchConfig.apply(root.raw(), values), ""), config); // a bad path fails now, not at trial 1
    }
    try (SparkSession spark = Main.session(rc, a.get("--master", rc.spark().master()), "dptrain search " + rc.source())) {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Configuration hadoop = jsc.hadoopConfiguration();
      TrainingData data = TrainingData.load(rc, spark, null);
      SparkTrainer.Options opts = TuningCommands.stepOptions(rc);
      // A fold's partitions are a pruned RDD, which Spark's barrier stages (the channel transport) refuse.
      SparkTrainer.Options foldOpts = new SparkTrainer.Options(opts.treeDepth(), null, 0, 0, StepTransport.Kind.BROADCAST,
          opts.channelPort());
      RandomSearch.TrialRunner runner = (trialConfig, epochs) -> {
        RunConfig trc = RunConfig.parse(new Conf(trialConfig.withValue("train.epochs", ConfigValueFactory.fromAnyRef(epochs)),
            ""), config);
        List<Evaluation> validation = new ArrayList<>();
        TrainingLoop.Listener pool = new TrainingLoop.Listener() {
          @Override
          public void onEpoch(int epoch, Evaluation tr, Evaluation v) {
            if (validation.size() <= epoch) validation.add(v);
            else validation.get(epoch).merge(v); // pooled over the folds
          }
        };
        if (sc.folds() == 0) {
          new SparkTrainer(jsc, trc.network(), trc.train(), opts).fit(data.trainRdd(), data.testRdd(), pool);
        }
        for (int f = 0; f < sc.folds(); f++) {
          new SparkTrainer(jsc, trc.network(), trc.train(), foldOpts).fit(Folds.train(data.trainRdd(), sc.folds(), f),
              Folds.validation(data.trainRdd(), sc.folds(), f), pool);
        }
        return validation;
      };
      String dir = rc.output().dir();
      List<RandomSearch.Trial> trials = RandomSearch.run(sc, root.raw(), rc.train().epochs(), runner, done -> {
        out.println("dptrain search: " + done.get(done.size() - 1).describe());
        StringBuilder jsonl = new StringBuilder();
        for (RandomSearch.Trial t : done) jsonl.append(t.json()).append('\n');
        try {
          TuningCommands.write(dir, "search.jsonl", jsonl.toString(), hadoop);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      RandomSearch.Trial best = RandomSearch.best(trials);
      out.println("dptrain search: best " + best.describe());
      for (String w : RandomSearch.edgeWarnings(sc.space(), best)) out.println("dptrain search: warning: " + w);
      out.println("dptrain search: results in " + TuningCommands.write(dir, "search.html",
          TuningPages.search(trials, sc.space(), config), hadoop));
      return 0;
    }
  }
}
