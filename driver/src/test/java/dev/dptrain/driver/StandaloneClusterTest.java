package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
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
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trains on a real Spark standalone cluster (a master and two workers, separate JVMs on 127.0.0.1,
 * started by scripts/cluster-local.sh from this build's classpath) and checks the result equals
 * local mode bit for bit.
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

  private static TrainingState train(JavaSparkContext sc, Dataset data, StepTransport.Kind transport) {
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainSpec ts = TrainSpec.sgdMomentum(0.05).withBatch(60).withEpochs(2).withRegularisation(1e-3, 0, 1.0);
    SparkTrainer trainer = new SparkTrainer(sc, net(), ts, SparkTrainer.Options.builder().optTransport(transport).build());
    TrainingState state = trainer.fit(rdd, null, new TrainingLoop.Listener() {});
    if (transport == StepTransport.Kind.AUTO) {
      assertEquals(StepTransport.Kind.CHANNEL, trainer.transportUsed(), "2 partitions on 2 executor cores: the channel");
    }
    return state;
  }

  @Test
  void clusterTrainingEqualsLocalMode() {
    Dataset data = SparkTestSupport.blobs(600, 8, 3, 11);
    TrainingState local = train(SparkTestSupport.sc(), data, StepTransport.Kind.BROADCAST);
    SparkTestSupport.stop(); // one SparkContext per JVM

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
        .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "90s");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      long driverPid = ManagementFactory.getRuntimeMXBean().getPid();
      Set<Long> pids = new HashSet<>(sc.parallelize(List.of(0, 1, 2, 3, 4, 5, 6, 7), 8)
          .map(i -> ManagementFactory.getRuntimeMXBean().getPid()).collect());
      assertEquals(2, pids.size(), "tasks should run in the two executor JVMs, ran in " + pids);
      assertTrue(!pids.contains(driverPid), "tasks ran in the driver JVM");

      // The channel across JVMs (sockets to two executors) and the per-step broadcast job, both
      // against local mode's broadcast job.
      for (StepTransport.Kind transport : List.of(StepTransport.Kind.AUTO, StepTransport.Kind.BROADCAST)) {
        TrainingState cluster = train(sc, data, transport);
        assertEquals(local.step, cluster.step);
        assertArrayEquals(local.params, cluster.params, transport + ": cluster parameters differ from local mode");
        assertArrayEquals(local.normState, cluster.normState, transport + ": cluster BN statistics differ from local mode");
        assertArrayEquals(local.optimizerState, cluster.optimizerState, transport + ": optimiser state differs");
        assertNotEquals(0f, cluster.params[0]);
      }
    }
  }
}
