package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's cluster path end to end, after {@code package}: scripts/cluster-local.sh starts a
 * real standalone master and two workers, scripts/submit.sh submits the shaded application jar
 * with spark-submit, and the run writes its model, metrics and report.
 */
class SubmitToLocalClusterIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static String run(Map<String, String> env, Path log, String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertTrue(p.waitFor(240, TimeUnit.SECONDS), Arrays.toString(command) + " timed out");
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), Arrays.toString(command) + " failed:\n" + out);
    return out;
  }

  @Test
  void submitTheShadedJarToTheLocalCluster(@TempDir Path dir) throws Exception {
    File[] jars = ROOT.resolve("driver/target").toFile().listFiles((d, n) -> n.matches("dptrain-.*-spark\\.jar"));
    assertTrue(jars != null && jars.length == 1, "expected the shaded jar in driver/target (mvn package)");
    MainTrainTest.writeIdx(dir.resolve("train-images"), dir.resolve("train-labels"), 400, 1);
    MainTrainTest.writeIdx(dir.resolve("test-images"), dir.resolve("test-labels"), 100, 2);
    Path out = dir.resolve("run");
    Path config = dir.resolve("tiny.conf");
    Files.writeString(config, """
        model { input = [1, 4, 4], layers = [ { type = dense, units = 8 }, { type = relu }, { type = dense, units = 3 } ] }
        train { epochs = 2, batch-size = 40, seed = 3, optimizer { type = sgd, lr = 0.1, momentum = 0.9 } }
        data {
          train-images = "%s/train-images", train-labels = "%s/train-labels"
          test-images = "%s/test-images", test-labels = "%s/test-labels"
        }
        spark { partitions = 2 }
        output { dir = "%s", log-every = 5, progress = lines }
        """.formatted(dir, dir, dir, dir, out));
    Path cluster = dir.resolve("cluster");
    String port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = String.valueOf(s.getLocalPort());
    }
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Map<String, String> env = Map.of("DPTRAIN_CLUSTER_DIR", cluster.toString(), "DPTRAIN_MASTER_PORT", port,
        "DPTRAIN_CLASSPATH", cp, "DPTRAIN_WORKER_MEMORY", "1g");
    String master = run(env, dir.resolve("start.log"), "bash", "scripts/cluster-local.sh", "start", "2").lines()
        .filter(l -> l.startsWith("spark://")).findFirst().orElseThrow();
    try {
      Map<String, String> submitEnv = new java.util.HashMap<>(env);
      submitEnv.put("SPARK_HOME", cluster.resolve("spark-home").toString());
      String log = run(submitEnv, dir.resolve("submit.log"), "bash", "scripts/submit.sh", "--master", master,
          "--executors", "2", "--executor-cores", "1", "--executor-memory", "512m", "--driver-memory", "1g",
          "--jar", jars[0].getPath(), config.toString());
      assertTrue(log.contains("master " + master), log);
      assertTrue(log.lines().anyMatch(l -> l.startsWith("dptrain: final test loss")), log);
      for (String f : List.of("model/model.dptm", "metrics.jsonl", "report.html")) {
        assertTrue(Files.size(out.resolve(f)) > 0, f + " missing or empty in " + out + "\n" + log);
      }
    } finally {
      run(env, dir.resolve("stop.log"), "bash", "scripts/cluster-local.sh", "stop");
    }
  }
}
