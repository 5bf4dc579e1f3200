package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** scripts/submit.sh --dry-run: the spark-submit command it would run, argument by argument. */
class SubmitScriptTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String CONFIG = ROOT.resolve("conf/fashion-mlp.conf").toString();

  private record Result(int exit, List<String> argv, String stderr) {}

  /** Runs the script, then lets bash parse its printed command back into arguments. */
  private static Result submit(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", "-c",
        "out=$(bash \"$0\" \"$@\") || exit $?; eval \"printf '%s\\n' $out\"", ROOT.resolve("scripts/submit.sh").toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("SPARK_HOME", "/opt/spark");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out.isEmpty() ? List.of() : List.of(out.split("\n")), err);
  }

  private static String after(List<String> argv, String option) {
    int i = argv.indexOf(option);
    assertTrue(i >= 0 && i + 1 < argv.size(), option + " missing in " + argv);
    return argv.get(i + 1);
  }

  private static List<String> confs(List<String> argv) {
    List<String> c = new ArrayList<>();
    for (int i = 0; i < argv.size() - 1; i++) if (argv.get(i).equals("--conf")) c.add(argv.get(i + 1));
    return c;
  }

  @Test
  void yarnClusterModeShipsTheConfigAndSetsJavaAndBlasOptions() throws Exception {
    Result r = submit("--dry-run", "--master", "yarn", "--deploy-mode", "cluster", "--executors", "4",
        "--executor-cores", "3", "--executor-memory", "6g", "--jar", "/apps/dptrain.jar", "--conf", "spark.foo=a b", CONFIG);
    assertEquals(0, r.exit, r.stderr);
    List<String> a = r.argv;
    assertEquals("/opt/spark/bin/spark-submit", a.get(0));
    assertEquals("yarn", after(a, "--master"));
    assertEquals("cluster", after(a, "--deploy-mode"));
    assertEquals("4", after(a, "--num-executors"));
    assertEquals("3", after(a, "--executor-cores"));
    assertEquals("6g", after(a, "--executor-memory"));
    assertEquals("dev.dptrain.driver.cli.Main", after(a, "--class"));
    assertEquals(CONFIG, after(a, "--files"));
    List<String> c = confs(a);
    for (String side : List.of("driver", "executor")) {
      String opts = c.stream().filter(s -> s.startsWith("spark." + side + ".extraJavaOptions=")).findFirst().orElseThrow();
      assertTrue(opts.contains("--add-modules=jdk.incubator.vector"), opts);
      assertTrue(opts.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), opts);
      assertTrue(opts.contains("--add-opens=java.base/java.lang.invoke=ALL-UNNAMED"), opts);
    }
    assertTrue(c.contains("spark.executorEnv.OPENBLAS_NUM_THREADS=1"), c.toString());
    assertTrue(c.contains("spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1"), c.toString());
    assertTrue(c.contains("spark.serializer=org.apache.spark.serializer.KryoSerializer"), c.toString());
    assertTrue(c.contains("spark.kryo.registrator=dev.dptrain.driver.DptrainKryoRegistrator"), c.toString());
    assertTrue(c.contains("spark.foo=a b"), "a value with a space survives quoting: " + c);
    // cluster mode: the driver reads the shipped copy from its working directory
    assertEquals(List.of("/apps/dptrain.jar", "train", "fashion-mlp.conf"), a.subList(a.size() - 3, a.size()));
  }

  @Test
  void standaloneClientModeAsksForTotalCoresAndPassesTheConfigPath() throws Exception {
    Result r = submit("--dry-run", "--master", "spark://127.0.0.1:7077", "--executors", "3", "--executor-cores", "2",
        "--jar", "/apps/dptrain.jar", CONFIG);
    assertEquals(0, r.exit, r.stderr);
    assertEquals("6", after(r.argv, "--total-executor-cores"));
    assertEquals("client", after(r.argv, "--deploy-mode"));
    assertTrue(!r.argv.contains("--num-executors"));
    assertEquals(List.of("/apps/dptrain.jar", "train", CONFIG), r.argv.subList(r.argv.size() - 3, r.argv.size()));
  }

  @Test
  void kubernetesSetsTheImageAndNamespace() throws Exception {
    Result r = submit("--dry-run", "--master", "k8s://https://k8s.example:6443", "--deploy-mode", "cluster",
        "--image", "reg.example/dptrain:1", "--namespace", "ml", "--jar", "local:///opt/dptrain.jar", CONFIG);
    assertEquals(0, r.exit, r.stderr);
    List<String> c = confs(r.argv);
    assertTrue(c.contains("spark.kubernetes.container.image=reg.example/dptrain:1"), c.toString());
    assertTrue(c.contains("spark.kubernetes.namespace=ml"), c.toString());
    assertTrue(c.contains("spark.kubernetes.driverEnv.OPENBLAS_NUM_THREADS=1"), c.toString());
    assertEquals("2", after(r.argv, "--num-executors"));
  }

  @Test
  void mistakesAreRefusedWithTheReason() throws Exception {
    Result noImage = submit("--dry-run", "--master", "k8s://https://k8s.example:6443", CONFIG);
    assertEquals(2, noImage.exit);
    assertTrue(noImage.stderr.contains("Kubernetes needs --image"), noImage.stderr);
    Result missing = submit("--dry-run", "conf/nope.conf");
    assertEquals(2, missing.exit);
    assertTrue(missing.stderr.contains("config file 'conf/nope.conf' does not exist"), missing.stderr);
    Result badCount = submit("--dry-run", "--executors", "0", CONFIG);
    assertEquals(2, badCount.exit);
    assertTrue(badCount.stderr.contains("--executors must be a positive integer, got '0'"), badCount.stderr);
    Result unknown = submit("--dry-run", "--executers", "2", CONFIG);
    assertEquals(2, unknown.exit);
    assertTrue(unknown.stderr.contains("unknown option --executers"), unknown.stderr);
  }
}
