package dev.dptrain.driver.tuning;

import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.cli.TrainingData;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dptrain search} on Spark, for the CLI and Java alike: the config's {@code search} block run
 * as trials of the {@link SparkTrainer} on data read and cached once, in
 * {@code search.trial-partitions} partitions (default spark.partitions), scored on the test data or
 * by k-fold cross-validation over the training partitions ({@link Folds}).
 *
 * <p>Several trials run at once, each from its own driver thread as its own Spark jobs (job group
 * {@code dptrain-search-trial-N}), when the task slots allow: {@code search.parallel-trials = auto}
 * runs slots / trial-partitions of them. A trial's result depends only on its values, the seed and
 * the partition count, never on the trials beside it. The channel transport's barrier job needs
 * all its partitions' slots at once, and concurrent barrier jobs that together want more slots
 * than there are wait for each other forever: an explicit parallel-trials beyond the slots is
 * refused unless the transport is broadcast (whose tasks just queue).
 */
public final class SparkSearch {
  private SparkSearch() {}

  /** How the search runs: its block, the trials' run config, partitions per trial, trials at once, the task slots. */
  public record Plan(SearchConfig search, RunConfig run, int partitions, int parallel, int slots) {}

  /** The trials in trial order, the best, the edge-of-range warnings. */
  public record Result(Plan plan, List<RandomSearch.Trial> trials, RandomSearch.Trial best, List<String> warnings) {}

  /** What the search reports as it goes: the plan once, then the trials ({@link RandomSearch.Progress}). */
  public interface Progress extends RandomSearch.Progress {
    default void plan(Plan plan) {}
  }

  /** The run's config with its {@code search} block checked (everything that can fail before Spark starts). */
  public static Conf checked(Conf root, String source) {
    RunConfig rc = RunConfig.parse(root, source);
    if (!root.raw().hasPath("search")) {
      throw new Conf.ConfigError(source + ": search: required block is missing; expected search { space = [...] }"
          + " (docs/config.md)");
    }
    SearchConfig sc = SearchConfig.parse(root.object("search"));
    int partitions = sc.trialPartitions() > 0 ? sc.trialPartitions() : rc.spark().partitions();
    if (sc.folds() == 0 && rc.data().test() == null) {
      throw root.error("search", "test data to score the trials on (data.test, or data.test-images and"
          + " data.test-labels), or search.folds = k for k-fold cross-validation", "none");
    }
    if (sc.folds() > partitions) {
      throw root.error("search.folds", "at most the trials' partitions (" + partitions + ", search.trial-partitions or"
          + " spark.partitions): folds are groups of training partitions", sc.folds());
    }
    Conf trials = new Conf(root.raw().withValue("spark.partitions", ConfigValueFactory.fromAnyRef(partitions)), "");
    for (var values : sc.grid() ? sc.space().grid(sc.gridPoints()).subList(0, 1) : List.of(sc.space().sample(sc.seed(), 0))) {
      RunConfig.parse(new Conf(SearchConfig.apply(trials.raw(), values), ""), source); // a bad path fails now, not at trial 1
    }
    return trials;
  }

  /** Runs the search of {@code root} (a config with a {@code search} block) on {@code spark}. */
  public static Result run(SparkSession spark, Conf root, String source, Progress progress) throws IOException {
    Conf trials = checked(root, source);
    RunConfig rc = RunConfig.parse(trials, source);
    SearchConfig sc = SearchConfig.parse(trials.object("search"));
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    TrainingData data = TrainingData.load(rc, spark, null);
    try {
      Plan plan = plan(jsc, trials, rc, sc);
      progress.plan(plan);
      Runner runner = new Runner(jsc, plan, data, source);
      List<RandomSearch.Trial> done = RandomSearch.run(sc, trials.raw(), rc.train().epochs(), runner, plan.parallel(),
          progress);
      RandomSearch.Trial best = RandomSearch.best(done);
      return new Result(plan, done, best, RandomSearch.edgeWarnings(sc.space(), best));
    } finally {
      data.unpersist();
    }
  }

  /** Trials at once: the config's, or slots / partitions; refused where barrier jobs could wait on each other forever. */
  static Plan plan(JavaSparkContext jsc, Conf root, RunConfig rc, SearchConfig sc) {
    int partitions = rc.spark().partitions();
    int slots = jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile());
    int parallel = sc.parallelTrials() > 0 ? sc.parallelTrials() : Math.max(1, slots / partitions);
    StepTransport.Kind kind = StepTransport.Kind.parse(rc.spark().transport());
    boolean barrier = sc.folds() == 0 && kind != StepTransport.Kind.BROADCAST
        && !(kind == StepTransport.Kind.AUTO && rc.spark().treeDepth() > 1);
    if (barrier && parallel > 1 && (long) parallel * partitions > slots) {
      throw root.error("search.parallel-trials", "at most " + Math.max(1, slots / partitions) + " (" + slots
          + " task slots / " + partitions + " partitions per trial): each trial's channel transport is a barrier job"
          + " that needs all its slots at once, and barrier jobs beyond the slots wait for each other forever;"
          + " lower it or search.trial-partitions, or set spark.transport = broadcast", parallel);
    }
    if (barrier && parallel > 1 && rc.spark().channelPort() != 0) {
      throw root.error("spark.channel-port", "0 (any free port) when search.parallel-trials > 1: each trial's channel"
          + " needs its own port", rc.spark().channelPort());
    }
    return new Plan(sc, rc, partitions, parallel, slots);
  }

  /** One trial: a SparkTrainer run per fold (or one on the test data) in the trial's own job group. */
  private static final class Runner implements RandomSearch.TrialRunner {
    private final JavaSparkContext jsc;
    private final Plan plan;
    private final TrainingData data;
    private final String source;
    private final Set<Integer> cancelled = ConcurrentHashMap.newKeySet();

    Runner(JavaSparkContext jsc, Plan plan, TrainingData data, String source) {
      this.jsc = jsc;
      this.plan = plan;
      this.data = data;
      this.source = source;
    }

    private static String group(int trial) {
      return "dptrain-search-trial-" + trial;
    }

    @Override
    public List<Evaluation> run(int trial, com.typesafe.config.Config trialConfig, int epochs) {
      jsc.setJobGroup(group(trial), "dptrain search trial " + trial, true); // this thread's jobs, named in the UI
      RunConfig trc = RunConfig.parse(new Conf(trialConfig.withValue("train.epochs", ConfigValueFactory.fromAnyRef(epochs)),
          ""), source);
      List<Evaluation> validation = new ArrayList<>();
      TrainingLoop.Listener pool = new TrainingLoop.Listener() {
        @Override
        public void beforeStep(TrainingState state) {
          if (cancelled.contains(trial)) throw new CancellationException("trial " + trial + " cancelled: another trial failed");
        }

        @Override
        public void onEpoch(int epoch, Evaluation tr, Evaluation v) {
          if (validation.size() <= epoch) validation.add(v);
          else validation.get(epoch).merge(v); // pooled over the folds
        }
      };
      SparkTrainer.Options opts = SparkLrFinder.stepOptions(plan.run());
      int folds = plan.search().folds();
      if (folds == 0) new SparkTrainer(jsc, trc.network(), trc.train(), opts).fit(data.trainRdd(), data.testRdd(), pool);
      // A fold's partitions are a pruned RDD, which Spark's barrier stages (the channel transport) refuse.
      SparkTrainer.Options foldOpts = new SparkTrainer.Options(opts.treeDepth(), null, 0, 0, StepTransport.Kind.BROADCAST,
          opts.channelPort());
      for (int f = 0; f < folds; f++) {
        new SparkTrainer(jsc, trc.network(), trc.train(), foldOpts).fit(Folds.train(data.trainRdd(), folds, f),
            Folds.validation(data.trainRdd(), folds, f), pool);
      }
      return validation;
    }

    @Override
    public void cancel(int trial) {
      cancelled.add(trial);
      jsc.cancelJobGroup(group(trial));
    }
  }
}
