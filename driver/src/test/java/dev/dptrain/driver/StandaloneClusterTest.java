package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trains from files on a real Spark standalone cluster (a master and two workers, separate JVMs on
 * 127.0.0.1, started by scripts/cluster-local.sh from this build's classpath) and checks the result
 * equals local[2] and local[4] bit for bit, that the driver reads none of the input, and that a
 * SIGKILLed executor costs nothing but time.
 */
class StandaloneClusterTest {
  private static final Path SCRIPT = Path.of("..", "scripts", "cluster-local.sh").toAbsolutePath().normalize();
  private static Path clusterDir;
  private static String masterUrl;

  private static String testClasspath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null ? cp : System.getProperty("java.class.path");
  }

  private static String script(String... args) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder();
    pb.command().add("bash");
    pb.command().add(SCRIPT.toString());
    pb.command().addAll(List.of(args));
    pb.environment().put("DPTRAIN_CLASSPATH", testClasspath());
    pb.environment().put("DPTRAIN_CLUSTER_DIR", clusterDir.toString());
    try (ServerSocket s = new ServerSocket(0)) {
      pb.environment().put("DPTRAIN_MASTER_PORT", String.valueOf(s.getLocalPort()));
    }
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cluster-local.sh " + args[0] + " timed out");
    assertEquals(0, p.exitValue(), "cluster-local.sh " + String.join(" ", args) + " failed:\n" + out);
    return out;
  }

  @BeforeAll
  static void startCluster() throws Exception {
    clusterDir = Files.createTempDirectory("dptrain-cluster");
    String out = script("start", "2");
    masterUrl = out.lines().filter(l -> l.startsWith("spark://")).findFirst()
        .orElseThrow(() -> new AssertionError("no master URL in:\n" + out));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (clusterDir != null) script("stop");
  }

  private static NetworkSpec net() {
    return NetworkSpec.builder(Shape.vector(8)).dense(16).batchNorm().relu().dropout(0.2).dense(3).build();
  }

  private static final TrainSpec TRAIN = TrainSpec.sgdMomentum(0.05).withBatch(60).withEpochs(2)
      .withRegularisation(1e-3, 0, 1.0);

  /** The blobs as CSV in two part files: training input that can be re-read after an executor loss. */
  private static DataSource writeCsv(Dataset data, Path dir) throws IOException {
    Files.createDirectories(dir);
    StringBuilder[] parts = {new StringBuilder(), new StringBuilder()};
    for (int i = 0; i < data.size(); i++) {
      StringBuilder sb = parts[i * 2 / data.size()];
      sb.append((int) data.labels()[i]);
      for (int j = 0; j < 8; j++) sb.append(',').append(data.features()[i * 8 + j]);
      sb.append('\n');
    }
    Files.writeString(dir.resolve("part-00000.csv"), parts[0]);
    Files.writeString(dir.resolve("part-00001.csv"), parts[1]);
    return new DataSource("csv", dir.toString(), null, "0", null, false, ',');
  }

  /** Reads the files on the executors, then trains; {@code atStep} runs on the driver after each step. */
  private static TrainingState train(SparkSession spark, DataSource src, StepTransport.Kind transport,
                                     LongConsumer atStep) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Shape shape = Shape.vector(8);
    JavaRDD<PackedPartition> rdd = DistributedData.cache(DistributedData.partitions(
        DistributedData.records(spark, src, shape, LabelRule.classes(3)), shape, 2, TRAIN.seed(), 0), Standardizer.NONE);
    SparkTrainer trainer = new SparkTrainer(sc, net(), TRAIN, SparkTrainer.Options.builder().optTransport(transport).build());
    TrainingState state = trainer.fit(rdd, null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        atStep.accept(info.step());
      }
    });
    if (transport == StepTransport.Kind.AUTO) {
      assertEquals(StepTransport.Kind.CHANNEL, trainer.transportUsed(), "2 partitions on 2 executor cores: the channel");
    }
    rdd.unpersist(true);
    return state;
  }

  private static void assertSameState(TrainingState expected, TrainingState got, String what) {
    assertEquals(expected.step, got.step, what);
    assertArrayEquals(expected.params, got.params, what + ": parameters differ");
    assertArrayEquals(expected.normState, got.normState, what + ": BN statistics differ");
    assertArrayEquals(expected.optimizerState, got.optimizerState, what + ": optimiser state differs");
    assertNotEquals(0f, got.params[0]);
  }

  private static SparkSession localSession(String master) {
    return SparkSession.builder().config(SparkSessions.baseConf("dptrain-local-test").setMaster(master)
        .set("spark.ui.enabled", "false").set("spark.kryo.registrationRequired", "true")).getOrCreate();
  }

  private static Set<Long> executorPids(JavaSparkContext sc) {
    return new HashSet<>(sc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8)
        .map(i -> ManagementFactory.getRuntimeMXBean().getPid()).collect());
  }

  /** Bytes this JVM has read from file:// paths so far (executors are other JVMs). */
  private static long driverFileBytesRead() {
    return org.apache.hadoop.fs.FileSystem.getAllStatistics().stream().filter(st -> st.getScheme().equals("file"))
        .mapToLong(org.apache.hadoop.fs.FileSystem.Statistics::getBytesRead).sum();
  }

  @Test
  void clusterTrainingFromFilesEqualsLocalModeAndSurvivesALostExecutor() throws Exception {
    SparkTestSupport.stop(); // one SparkContext per JVM
    DataSource src = writeCsv(SparkTestSupport.blobs(600, 8, 3, 11), clusterDir.resolve("data"));
    TrainingState local;
    try (SparkSession two = localSession("local[2]")) {
      local = train(two, src, StepTransport.Kind.BROADCAST, s -> {});
    }
    try (SparkSession four = localSession("local[4]")) {
      assertSameState(local, train(four, src, StepTransport.Kind.AUTO, s -> {}), "local[4], channel");
    }

    String jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")
            || a.equals("-XX:+IgnoreUnrecognizedVMOptions"))
        .collect(Collectors.joining(" "));
    SparkConf conf = SparkSessions.baseConf("dptrain-cluster-test").setMaster(masterUrl)
        .set("spark.ui.enabled", "false")
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.executor.memory", "1g")
        .set("spark.executor.cores", "1")
        .set("spark.cores.max", "2")
        .set("spark.executor.extraClassPath", testClasspath())
        .set("spark.executor.extraJavaOptions", jvmOptions)
        .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "90s")
        // after an executor loss the barrier stage waits for the replacement's slot: check every second
        .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      sc.setLogLevel("WARN");
      long driverPid = ManagementFactory.getRuntimeMXBean().getPid();
      Set<Long> pids = executorPids(sc);
      assertEquals(2, pids.size(), "tasks should run in the two executor JVMs, ran in " + pids);
      assertTrue(!pids.contains(driverPid), "tasks ran in the driver JVM");

      // The channel across JVMs (sockets to two executors) and the per-step broadcast job, both
      // against local mode; the driver reads none of the input's bytes.
      for (StepTransport.Kind transport : List.of(StepTransport.Kind.AUTO, StepTransport.Kind.BROADCAST)) {
        long before = driverFileBytesRead();
        assertSameState(local, train(spark, src, transport, s -> {}), "cluster, " + transport);
        assertEquals(before, driverFileBytesRead(), transport + ": the driver JVM read input bytes");
      }

      // SIGKILL of one executor JVM mid-training, once per transport: its cached partition is
      // rebuilt from the files on the replacement executor, the step repeated, the result unchanged.
      for (StepTransport.Kind transport : List.of(StepTransport.Kind.AUTO, StepTransport.Kind.BROADCAST)) {
        awaitExecutors(sc, 2);
        long victim = executorPids(sc).iterator().next();
        boolean[] killed = {false};
        TrainingState survived = train(spark, src, transport, step -> {
          if (step == 7) {
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            killed[0] = true;
          }
        });
        assertTrue(killed[0], "the executor was killed during training");
        assertTrue(ProcessHandle.of(victim).map(ph -> !ph.isAlive()).orElse(true), "executor " + victim + " still alive");
        assertSameState(local, survived, "cluster, " + transport + ", executor " + victim + " killed at step 7");
      }
    }
  }

  /** Waits until n executors of this application run tasks (a killed one is replaced by its worker). */
  private static void awaitExecutors(JavaSparkContext sc, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (sc.sc().getExecutorIds().size() < n) {
      assertTrue(System.nanoTime() < deadline, "only " + sc.sc().getExecutorIds() + " executors after 90 s");
      Thread.sleep(200);
    }
  }
}
