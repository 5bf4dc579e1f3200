package dev.dptrain.driver.bench;

import dev.dptrain.driver.PackedData;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.IdxReader;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.ops.BlasInfo;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * End-to-end throughput harness (not a test): the Fashion-MNIST MLP on the single-process engine,
 * then on Spark at several global batch sizes, each step's Spark overhead printed beside the cost
 * of an empty broadcast + treeAggregate job of the same size measured in the same run.
 *
 * <pre>  scripts/bench/train-bench.sh [engine|spark|all] [master]  </pre>
 */
public final class TrainBench {
  private TrainBench() {}

  static NetworkSpec mlp() {
    return NetworkSpec.builder(Shape.image(1, 28, 28)).dense(256).batchNorm().relu()
        .dense(256).batchNorm().relu().dense(10).build();
  }

  static TrainSpec spec(int batch, int epochs) {
    return TrainSpec.defaults(0.05).withRegularisation(5e-4, 0, 5.0).withBatch(batch).withEpochs(epochs);
  }

  static Dataset[] fashion() throws Exception {
    Path dir = Path.of(System.getProperty("dptrain.data", "/usr/share/datasets/fashion-mnist"));
    Dataset train = IdxReader.read(dir.resolve("train-images-idx3-ubyte.gz"), dir.resolve("train-labels-idx1-ubyte.gz"));
    Dataset test = IdxReader.read(dir.resolve("t10k-images-idx3-ubyte.gz"), dir.resolve("t10k-labels-idx1-ubyte.gz"));
    Standardizer st = Standardizer.fit(train, Standardizer.Mode.CENTER, false);
    st.apply(train.features(), train.size(), train.shape());
    st.apply(test.features(), test.size(), test.shape());
    return new Dataset[] {train, test};
  }

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    String master = args.length > 1 ? args[1] : "local[2]";
    Dataset[] data = fashion();
    System.out.println("BLAS: " + BlasInfo.describe() + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS"));
    if (what.equals("engine") || what.equals("all")) engine(data);
    if (what.equals("spark") || what.equals("all")) spark(data, master);
  }

  /** Single-process engine, batch 128, 3 epochs: samples/s per epoch and test accuracy. */
  static void engine(Dataset[] data) {
    LocalTrainer t = new LocalTrainer(mlp(), spec(128, 3));
    long[] last = {System.nanoTime()};
    t.fit(data[0], data[1], new LocalTrainer.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation train, Evaluation val) {
        long now = System.nanoTime();
        double secs = (now - last[0]) / 1e9;
        System.out.printf(Locale.ROOT, "engine  epoch %d  %,8.0f samples/s (incl. test eval)  test acc %.4f%n",
            epoch + 1, train.count / secs, val.accuracy());
        last[0] = System.nanoTime();
      }
    });
  }

  static void spark(Dataset[] data, String master) {
    try (JavaSparkContext sc = new JavaSparkContext(SparkSessions.baseConf("dptrain-bench").setMaster(master)
        .set("spark.ui.enabled", "false"))) {
      sc.setLogLevel("WARN");
      int partitions = sc.defaultParallelism();
      JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data[0], partitions);
      int params = dev.dptrain.model.Network.build(mlp()).paramCount();
      System.out.printf(Locale.ROOT, "spark %s, %d partitions, %d parameters (%,d bytes broadcast + %,d returned per task per step)%n",
          master, partitions, params, 4L * params, 4L * params);
      emptyJobMillis(sc, rdd, params, 40); // warm-up
      System.out.println("| global batch | samples/s | engine 1 thread samples/s | ratio | step ms | compute ms | overhead ms | floor job ms | overhead beyond floor ms |");
      System.out.println("|---|---|---|---|---|---|---|---|---|");
      for (int batch : new int[] {128, 512, 2048}) {
        int steps = batch >= 2048 ? 60 : batch >= 512 ? 100 : 200;
        double floor = emptyJobMillis(sc, rdd, params, 80);
        long[] wall = new long[steps];
        long[] compute = new long[steps];
        int[] k = {0};
        new SparkTrainer(sc, mlp(), spec(batch, 10), new SparkTrainer.Options(Integer.getInteger("dptrain.treeDepth", 1),
            null, 0, 0, -1)).fit(rdd, null, new SparkTrainer.Listener() {
              @Override
              public void onStep(Stepper.StepInfo info, long w, long c) {
                if (k[0] < steps) {
                  wall[k[0]] = w;
                  compute[k[0]] = c;
                }
                k[0]++;
              }

              @Override
              public boolean stopRequested(TrainingState s) {
                return k[0] >= steps;
              }
            });
        int from = steps / 4; // skip JIT warm-up
        double w = median(wall, from, steps) / 1e6;
        double c = median(compute, from, steps) / 1e6;
        double engine = engineSamplesPerSecond(data[0], batch, steps);
        double sparkRate = batch / (w / 1e3);
        System.out.printf(Locale.ROOT, "| %d | %,.0f | %,.0f | %.2fx | %.2f | %.2f | %.2f | %.2f | %.2f |%n",
            batch, sparkRate, engine, sparkRate / engine, w, c, w - c, floor, w - c - floor);
      }
    }
  }

  /** Single-process engine (this thread, one BLAS thread) at the same global batch: median step rate. */
  static double engineSamplesPerSecond(Dataset train, int batch, int steps) {
    long[] at = new long[steps + 1];
    int[] k = {0};
    at[0] = System.nanoTime();
    new LocalTrainer(mlp(), spec(batch, 1)).fit(train.slice(0, batch * steps), null, new LocalTrainer.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info) {
        at[++k[0]] = System.nanoTime();
      }
    });
    long[] dt = new long[steps];
    for (int i = 0; i < steps; i++) dt[i] = at[i + 1] - at[i];
    return batch / (median(dt, steps / 4, steps) / 1e9);
  }

  /**
   * Median time of the floor job: broadcast a float[n], every task reads it and returns a fresh
   * float[n], treeAggregate keeps one of them (no arithmetic, no zero value to ship).
   */
  static double emptyJobMillis(JavaSparkContext sc, JavaRDD<PackedPartition> rdd, int n, int reps) {
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

  static double median(long[] a, int from, int to) {
    long[] s = Arrays.copyOfRange(a, from, to);
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
