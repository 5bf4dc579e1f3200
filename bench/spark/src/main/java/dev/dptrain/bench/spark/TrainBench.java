package dev.dptrain.bench.spark;

import dev.dptrain.driver.data.PackedData;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.metrics.JsonLine;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.ops.BlasInfo;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * End-to-end benchmark harness (not a test). Every measured run is printed, and appended to
 * {@code --out}, as one JSON object per line; scripts/bench/report.py turns those into
 * docs/benchmarks.md. The training setup is the one the PyTorch baseline (scripts/bench/torch_bench.py)
 * copies: SGD momentum 0.9, lr 0.05 constant, weight decay 5e-4, global-norm clip 5, He init,
 * pixels in [0,1] centred by the training mean.
 *
 * <pre>
 *   TrainBench engine --model mlp|cnn [--batches 128] [--steps 300] [--runs 3]
 *   TrainBench spark  [--master local[2]] [--cluster] [--batches 128,512,2048] [--runs 3] [--model mlp]
 *                     [--transports broadcast,channel,channel-tcp]
 *   TrainBench tta    --model mlp|cnn --target 0.88 [--max-epochs 10] [--runs 3]
 *   common: [--out results.jsonl] [--conf-dir conf] [--quick]
 * </pre>
 *
 * <p>{@code engine} is the single-process engine with as many BLAS threads as OPENBLAS_NUM_THREADS;
 * {@code spark} measures samples/s, the step's wall and compute time, the floor job (broadcast a
 * float[n], every task returns a float[n]) and the bytes tasks return per step; {@code --cluster}
 * adds the executor settings a standalone master needs (class path, module options, cores.max);
 * {@code tta} is training wall seconds (test evaluation excluded) until the test accuracy at the end
 * of an epoch reaches the target.
 */
public final class TrainBench {
  private TrainBench() {}

  private static Path out;
  private static Map<String, String> opts;

  public static void main(String[] args) throws Exception {
    if (args.length == 0) throw new IllegalArgumentException("usage: TrainBench engine|spark|tta [--key value ...]");
    String mode = args[0];
    opts = new HashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --key, got '" + args[i] + "'");
      String key = args[i].substring(2);
      boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
      opts.put(key, flag ? "true" : args[++i]);
    }
    out = opts.containsKey("out") ? Path.of(opts.get("out")) : null;
    Dataset[] data = fashion();
    System.out.println("BLAS: " + BlasInfo.describe() + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS"));
    switch (mode) {
      case "engine" -> engine(data, opt("model", "mlp"), ints(opt("batches", "128")), intOpt("steps", 300), intOpt("runs", 3));
      case "spark" -> spark(data, opt("model", "mlp"), opt("master", "local[2]"), opts.containsKey("cluster"),
          ints(opt("batches", "128,512,2048")), intOpt("runs", 3));
      case "tta" -> timeToAccuracy(data, opt("model", "mlp"), Double.parseDouble(opt("target", "0.88")),
          intOpt("max-epochs", 10), intOpt("runs", 3));
      default -> throw new IllegalArgumentException("unknown mode '" + mode + "', expected engine, spark or tta");
    }
  }

  private static String opt(String key, String def) {
    return opts.getOrDefault(key, def);
  }

  private static int[] ints(String commaList) {
    return Arrays.stream(commaList.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  private static int intOpt(String key, int def) {
    return Integer.parseInt(opt(key, String.valueOf(def)));
  }

  /** The model block of conf/fashion-{model}.conf; the bench's own TrainSpec replaces the train block. */
  static NetworkSpec model(String name) {
    File file = Path.of(opt("conf-dir", "conf"), "fashion-" + name + ".conf").toFile();
    return NetworkConfigParser.parse(Conf.parseFile(file).object("model"));
  }

  static TrainSpec spec(int batch, int epochs) {
    return TrainSpec.sgdMomentum(0.05).withRegularisation(5e-4, 0, 5.0).withBatch(batch).withEpochs(epochs);
  }

  static Dataset[] fashion() throws Exception {
    Path dir = Path.of(System.getProperty("dptrain.data", "/usr/share/datasets/fashion-mnist"));
    Dataset train = IdxDataset.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
    Dataset test = IdxDataset.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
    Standardizer st = Standardizer.fit(train, Standardizer.Mode.CENTER, false);
    st.apply(train.features(), train.size(), train.shape());
    st.apply(test.features(), test.size(), test.shape());
    return new Dataset[] {train, test};
  }

  static int blasThreads() {
    String t = System.getenv("OPENBLAS_NUM_THREADS");
    return t == null ? 1 : Integer.parseInt(t.trim());
  }

  /**
   * Single-process engine: per batch size a warm-up run, then {@code runs} fresh trainers of
   * {@code steps} steps (scaled to the same number of examples for larger batches); samples/s over
   * the steps after the first quarter (JIT warm-up inside a run).
   */
  static void engine(Dataset[] data, String model, int[] batches, int steps, int runs) throws IOException {
    NetworkSpec net = model(model);
    for (int batch : batches) {
      int n = Math.max(16, steps * 128 / batch);
      engineRate(net, data[0], batch, Math.max(n / 4, 8));
      for (int r = 0; r < runs; r++) {
        double rate = engineRate(net, data[0], batch, n);
        emit(record("dptrain-engine", model, r).put("threads", blasThreads()).put("batch", batch)
            .put("steps", n).put("samples_per_s", rate));
      }
    }
  }

  static double engineRate(NetworkSpec net, Dataset train, int batch, int steps) {
    long[] at = new long[steps + 1];
    int[] k = {0};
    Dataset slice = train.slice(0, Math.min(train.size(), batch * steps));
    int epochs = (int) Math.ceil((double) batch * steps / slice.size());
    LocalTrainer trainer = new LocalTrainer(net, spec(batch, epochs));
    at[0] = System.nanoTime();
    trainer.fit(slice, null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        if (k[0] < steps) at[++k[0]] = System.nanoTime();
      }
    });
    int from = steps / 4;
    return (double) batch * (k[0] - from) / ((at[k[0]] - at[from]) / 1e9);
  }

  /** Spark at several global batch sizes: samples/s, step time split, floor job and bytes per step. */
  static void spark(Dataset[] data, String model, String master, boolean cluster, int[] batches, int runs)
      throws IOException {
    SparkConf conf = SparkSessions.baseConf("dptrain-bench").setMaster(master).set("spark.ui.enabled", "false");
    if (cluster) clusterSettings(conf);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      AtomicLong resultBytes = new AtomicLong();
      AtomicLong tasks = new AtomicLong();
      sc.sc().addSparkListener(new SparkListener() {
        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
          if (end.taskMetrics() != null) resultBytes.addAndGet(end.taskMetrics().resultSize());
          tasks.incrementAndGet();
        }
      });
      int partitions = sc.defaultParallelism();
      JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data[0], partitions);
      NetworkSpec net = model(model);
      int params = Network.build(net).paramCount();
      String label = cluster ? "standalone-" + partitions : master;
      System.out.printf(Locale.ROOT, "spark %s, %d partitions, %d parameters%n", master, partitions, params);
      List<StepTransport.Kind> transports = Arrays.stream(opt("transports", "broadcast,channel").split(","))
          .map(StepTransport.Kind::parse).toList();
      floorJobMillis(sc, rdd, params, 40); // warm-up: executors, JIT, broadcast path
      for (StepTransport.Kind t : transports) sparkRun(sc, rdd, net, 128, 20, t, new double[3]);
      for (int batch : batches) {
        int steps = batch >= 2048 ? 60 : batch >= 512 ? 150 : 300;
        if (opts.containsKey("quick")) steps /= 5;
        // The single-process engine (this JVM, OPENBLAS_NUM_THREADS BLAS threads) at the same batch,
        // as the baseline of the Spark ratio, measured in the same process.
        int engineSteps = Math.max(16, 300 * 128 / batch);
        engineRate(net, data[0], batch, Math.max(engineSteps / 4, 8));
        System.gc();
        double engine = engineRate(net, data[0], batch, engineSteps);
        System.out.printf(Locale.ROOT, "engine (%d BLAS thread(s)) at batch %d: %.0f samples/s%n", blasThreads(),
            batch, engine);
        for (int r = 0; r < runs; r++) {
          double floor = floorJobMillis(sc, rdd, params, 40);
          for (StepTransport.Kind t : transports) {
            long bytes0 = resultBytes.get();
            double[] m = new double[3];
            System.gc(); // the floor job's megabyte arrays would otherwise be collected during the run
            sparkRun(sc, rdd, net, batch, steps, t, m);
            double wall = m[0];
            double compute = m[1];
            double rate = m[2];
            // Task results through Spark (broadcast transport: gradient sums + BN statistics + loss)
            // per step; the channel moves the same floats outside Spark's task metrics.
            double returned = (double) (resultBytes.get() - bytes0) / steps;
            emit(record("dptrain-spark", model, r).put("master", label).put("partitions", partitions)
                .put("transport", t.configName())
                .put("global_batch", batch).put("steps", steps).put("samples_per_s", rate)
                .put("engine_samples_per_s", engine).put("vs_engine", rate / engine)
                .put("step_ms", wall).put("compute_ms", compute).put("overhead_ms", wall - compute)
                .put("floor_ms", floor).put("overhead_beyond_floor_ms", wall - compute - floor)
                .put("broadcast_bytes", 4L * params).put("returned_bytes_per_step", returned)
                .put("params", params));
          }
        }
      }
    }
  }

  /**
   * One training run of {@code steps} steps; over the last three quarters: median step wall
   * (millis), median slowest-task compute (millis) and samples/s from the time between the first
   * and the last of those steps (everything the loop does between steps included).
   */
  static void sparkRun(JavaSparkContext sc, JavaRDD<PackedPartition> rdd, NetworkSpec net, int batch, int steps,
                       StepTransport.Kind transport, double[] out) {
    long[] wall = new long[steps];
    long[] compute = new long[steps];
    long[] end = new long[steps];
    int[] k = {0};
    int epochs = (int) Math.ceil((double) batch * steps / 60000) + 1;
    new SparkTrainer(sc, net, spec(batch, epochs), SparkTrainer.Options.builder().optTransport(transport).build()).fit(rdd,
        null, new TrainingLoop.Listener() {
          @Override
          public void onStep(Stepper.StepInfo info, long w, long c) {
            if (k[0] < steps) {
              wall[k[0]] = w;
              compute[k[0]] = c;
              end[k[0]] = System.nanoTime();
            }
            k[0]++;
          }

          @Override
          public boolean stopRequested(TrainingState s) {
            return k[0] >= steps;
          }
        });
    int from = steps / 4;
    out[0] = median(wall, from, steps) / 1e6;
    out[1] = median(compute, from, steps) / 1e6;
    out[2] = (double) batch * (steps - 1 - from) / ((end[steps - 1] - end[from]) / 1e9);
  }

  /**
   * What a standalone master needs from the driver (see StandaloneClusterTest): executors get this
   * JVM's class path and module options, one core each, all of the cluster's cores.
   */
  static void clusterSettings(SparkConf conf) {
    String jvmOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-") || a.startsWith("-Djdk.") || a.startsWith("-Dio.netty")
            || a.equals("-XX:+IgnoreUnrecognizedVMOptions"))
        .collect(Collectors.joining(" "));
    String executors = opt("executors", "2");
    conf.set("spark.driver.host", "127.0.0.1")
        .set("spark.executor.memory", opt("executor-memory", "1g"))
        .set("spark.executor.cores", "1")
        .set("spark.cores.max", executors)
        .set("spark.default.parallelism", executors)
        .set("spark.executor.extraClassPath", System.getProperty("java.class.path"))
        .set("spark.executor.extraJavaOptions", jvmOptions)
        .set("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .set("spark.scheduler.maxRegisteredResourcesWaitingTime", "90s");
  }

  /**
   * Median time of the floor job: broadcast a float[n], every task reads it and returns a fresh
   * float[n], treeAggregate keeps one of them (no arithmetic, no zero value to ship).
   */
  static double floorJobMillis(JavaSparkContext sc, JavaRDD<PackedPartition> rdd, int n, int reps) {
    long[] t = new long[reps];
    for (int r = 0; r < reps; r++) {
      long t0 = System.nanoTime();
      Broadcast<float[]> b = sc.broadcast(new float[n]);
      rdd.map(p -> new float[b.value().length])
          .treeAggregate((float[]) null, (a, x) -> x, (a, x) -> a == null ? x : a, 2);
      b.destroy(false);
      t[r] = System.nanoTime() - t0;
    }
    return median(t, reps / 4, reps) / 1e6;
  }

  /**
   * Time to accuracy on the single-process engine: training wall seconds (test evaluation
   * excluded) until an epoch ends with test accuracy >= target; each run uses seed 42 + run.
   */
  static void timeToAccuracy(Dataset[] data, String model, double target, int maxEpochs, int runs) throws IOException {
    NetworkSpec net = model(model);
    for (int run = 0; run < runs; run++) {
      final int r = run;
      double[] trainSeconds = {0};
      double[] reached = {-1};
      int[] epochs = {0};
      List<Double> accuracies = new ArrayList<>();
      long[] epochStart = new long[1];
      long[] lastStep = new long[1];
      LocalTrainer trainer = new LocalTrainer(net, spec(128, maxEpochs).withSeed(42 + r));
      try {
        epochStart[0] = System.nanoTime();
        trainer.fit(data[0], data[1], new TrainingLoop.Listener() {
          @Override
          public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
            lastStep[0] = System.nanoTime();
          }

          // Called after the epoch's test evaluation, which the clock leaves out: an epoch's
          // training time runs from the end of the previous callback to its last step.
          @Override
          public void onEpoch(int epoch, Evaluation train, Evaluation val) {
            trainSeconds[0] += (lastStep[0] - epochStart[0]) / 1e9;
            accuracies.add(val.accuracy());
            epochs[0] = epoch + 1;
            System.out.printf(Locale.ROOT, "tta %s run %d epoch %d: test acc %.4f at %.1f s%n",
                model, r, epoch + 1, val.accuracy(), trainSeconds[0]);
            if (val.accuracy() >= target) {
              reached[0] = trainSeconds[0];
              throw new TargetReached();
            }
            epochStart[0] = System.nanoTime();
          }
        });
      } catch (TargetReached done) {
        // stop training at the first epoch that reaches the target
      }
      emit(record("dptrain-engine", model, r).put("threads", blasThreads()).put("batch", 128)
          .put("target_accuracy", target).put("tta_seconds", reached[0] < 0 ? Double.NaN : reached[0])
          .put("epochs", epochs[0]).put("accuracies", accuracies.stream().mapToDouble(Double::doubleValue).toArray()));
    }
  }

  /** Thrown out of the trainer's epoch callback to end a time-to-accuracy run. */
  private static final class TargetReached extends RuntimeException {
    TargetReached() {
      super(null, null, false, false);
    }
  }

  static double median(long[] a, int from, int to) {
    long[] s = Arrays.copyOfRange(a, from, to);
    Arrays.sort(s);
    return s[s.length / 2];
  }

  static JsonLine record(String system, String model, int run) {
    return new JsonLine().put("system", system).put("model", model).put("run", run);
  }

  static void emit(JsonLine json) throws IOException {
    String line = json.toString();
    System.out.println("RESULT " + line);
    if (out != null) {
      Files.writeString(out, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }
}
