package dev.dptrain.driver.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTestAccess;
import dev.dptrain.model.config.Conf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The search through the Java API (no CLI) on local[4]: trials of 2 partitions run two at once
 * (4 task slots), with the channel transport's barrier jobs side by side, and every trial scores
 * exactly as when the trials run one after another.
 */
class SparkSearchTest {
  @TempDir
  static Path dir;
  static SparkSession spark;

  @BeforeAll
  static void setUp() throws Exception {
    SparkTestAccess.stopSharedContext(); // one SparkContext per JVM
    writeCsv(dir.resolve("train.csv"), 400, 1);
    writeCsv(dir.resolve("test.csv"), 100, 2);
    spark = SparkSession.builder().config(SparkSessions.baseConf("SparkSearchTest").setMaster("local[4]")
        .set("spark.ui.enabled", "false")).getOrCreate();
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  /** Three classes, each lifting one of 4 features. */
  private static void writeCsv(Path file, int n, long seed) throws Exception {
    Random rnd = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(3);
      sb.append(c);
      for (int f = 0; f < 4; f++) sb.append(',').append(f == c ? 1 + rnd.nextGaussian() : rnd.nextGaussian());
      sb.append('\n');
    }
    Files.writeString(file, sb.toString());
  }

  private static Conf config(String search) {
    return Conf.parseString("""
        model { input = [4], loss = softmax_cross_entropy, layers = [ { type = dense, units = 8 }, { type = relu },
          { type = dense, units = 3 } ] }
        train { batch-size = 40, seed = 3, epochs = 2, optimizer { type = sgd, momentum = 0.9 } }
        data { format = csv, train = "%s", test = "%s" }
        spark { partitions = 4, transport = auto }
        output { dir = "%s", progress = off }
        search { trials = 6, coarse-trials = 4, coarse-epochs = 1, seed = 11, trial-partitions = 2, %s
          space = [ { path = "train.optimizer.lr", log-uniform = [0.001, 1] },
                    { path = "train.weight-decay", log-uniform = [1e-6, 1e-2] } ] }
        """.formatted(dir.resolve("train.csv"), dir.resolve("test.csv"), dir.resolve("out"), search), "test.conf");
  }

  /** Running tasks and trials (job groups with a running job), their maxima, and every job group seen. */
  private static final class Concurrency extends SparkListener {
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger maxTasks = new AtomicInteger();
    final java.util.Map<Integer, String> jobGroup = new java.util.concurrent.ConcurrentHashMap<>();
    final java.util.Map<String, Integer> runningJobs = new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger maxTrials = new AtomicInteger();
    final Set<String> groups = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      maxTasks.accumulateAndGet(tasks.incrementAndGet(), Math::max);
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      tasks.decrementAndGet();
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
      String g = e.properties() == null ? null : e.properties().getProperty("spark.jobGroup.id");
      if (g == null) return;
      groups.add(g);
      jobGroup.put(e.jobId(), g);
      runningJobs.merge(g, 1, Integer::sum);
      maxTrials.accumulateAndGet((int) runningJobs.values().stream().filter(n -> n > 0).count(), Math::max);
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd e) {
      String g = jobGroup.remove(e.jobId());
      if (g != null) runningJobs.merge(g, -1, Integer::sum);
    }
  }

  private static List<String> scores(SparkSearch.Result r) {
    List<String> out = new ArrayList<>();
    for (RandomSearch.Trial t : r.trials()) out.add(t.index() + " " + t.phase() + " " + t.values() + " -> " + t.value());
    return out;
  }

  @Test
  void parallelTrialsScoreAsSequentialOnesAndStayWithinTheSlots() throws Exception {
    Concurrency seen = new Concurrency();
    spark.sparkContext().addSparkListener(seen);
    List<Integer> planned = new ArrayList<>();
    SparkSearch.Progress progress = new SparkSearch.Progress() {
      @Override
      public void plan(SparkSearch.Plan p) {
        planned.add(p.parallel());
        assertEquals(4, p.slots());
        assertEquals(2, p.partitions());
      }
    };
    SparkSearch.Result parallel = SparkSearch.run(spark, config(""), "test.conf", progress); // auto: 4 slots / 2
    spark.sparkContext().listenerBus().waitUntilEmpty();
    int maxTasks = seen.maxTasks.get();
    int maxTrials = seen.maxTrials.get();
    Set<String> groups = new HashSet<>(seen.groups);
    spark.sparkContext().removeSparkListener(seen);
    SparkSearch.Result sequential = SparkSearch.run(spark, config("parallel-trials = 1"), "test.conf", progress);

    assertEquals(List.of(2, 1), planned);
    assertEquals(6, parallel.trials().size());
    assertEquals(scores(sequential), scores(parallel), "a trial's score does not depend on the trials beside it");
    assertTrue(parallel.trials().stream().allMatch(t -> Double.isFinite(t.value())), scores(parallel).toString());
    assertTrue(maxTasks <= 4, "never more running tasks than slots: " + maxTasks);
    assertEquals(2, maxTrials, "two trials ran at once, never more");
    for (int t = 0; t < 6; t++) assertTrue(groups.contains("dptrain-search-trial-" + t), groups.toString());
    assertEquals(sequential.best().index(), parallel.best().index());
  }

  /** 3 trials of 2 barrier tasks want 6 of the 4 slots: refused before any trial runs. */
  @Test
  void refusesBarrierTrialsBeyondTheSlots() {
    Conf.ConfigError e = assertThrows(Conf.ConfigError.class,
        () -> SparkSearch.run(spark, config("parallel-trials = 3"), "test.conf", new SparkSearch.Progress() {}));
    assertTrue(e.getMessage().startsWith("test.conf: 7: search.parallel-trials: expected at most 2 (4 task slots / 2"
        + " partitions per trial)") && e.getMessage().endsWith("or set spark.transport = broadcast, got 3"), e.getMessage());
  }

  /** check and lr-find from Java: a session and a config in, result objects out. */
  @Test
  void checkAndLrFindWithoutTheCli() throws Exception {
    dev.dptrain.driver.RunConfig rc = dev.dptrain.driver.RunConfig.parse(config(""), "test.conf");
    List<dev.dptrain.model.check.SanityChecks.Result> checks = SparkChecks.run(spark, rc, 300);
    assertEquals(List.of("initial-loss", "regularisation", "gradient", "tiny-overfit"),
        checks.stream().map(dev.dptrain.model.check.SanityChecks.Result::name).toList());
    assertTrue(checks.subList(0, 3).stream().allMatch(dev.dptrain.model.check.SanityChecks.Result::passed), checks.toString());
    // lr 0.01 may or may not memorise these noisy examples in 300 steps; the verdict follows the figure
    assertEquals(checks.get(3).value() <= 0.05, checks.get(3).passed(), checks.get(3).toString());
    assertTrue(checks.get(3).measured().startsWith("20 examples, 300 steps at lr 0.0100"), checks.get(3).toString());
    dev.dptrain.model.tuning.LrRangeTest.Result lr = SparkLrFinder.run(spark, rc,
        new dev.dptrain.model.tuning.LrRangeTest(1e-5, 100, 120));
    assertTrue(lr.suggestedLr() > 1e-5 && lr.suggestedLr() < 100, lr.describe());
    assertTrue(lr.lr().length > 10 && lr.lr().length <= 120, lr.describe());
  }
}
