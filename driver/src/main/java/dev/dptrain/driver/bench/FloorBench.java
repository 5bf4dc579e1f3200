package dev.dptrain.driver.bench;

import dev.dptrain.driver.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/** Scratch: what one Spark job costs in local mode, piece by piece. */
public final class FloorBench {
  public static void main(String[] args) {
    int n = Integer.parseInt(args.length > 0 ? args[0] : "270000");
    String extra = args.length > 1 ? args[1] : "";
    SparkConf conf = SparkSessions.baseConf("floor").setMaster("local[2]").set("spark.ui.enabled", "false");
    for (String kv : extra.split(",")) if (kv.contains("=")) conf.set(kv.split("=")[0], kv.split("=")[1]);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      List<Integer> ints = new ArrayList<>();
      ints.add(0);
      ints.add(1);
      JavaRDD<Integer> rdd = sc.parallelize(ints, 2).cache();
      rdd.count();
      int rows = Integer.parseInt(System.getProperty("rows", "60000"));
      dev.dptrain.model.data.Dataset ds = new dev.dptrain.model.data.Dataset(dev.dptrain.model.Shape.vector(784), 1,
          new float[rows * 784], new float[rows]);
      JavaRDD<dev.dptrain.worker.PackedPartition> packed = dev.dptrain.driver.PackedData.fromDataset(sc, ds, 2);
      for (int round = 0; round < 2; round++) {
        time("PACKED bcast + return float[n] + treeAggregate", 100, () -> {
          Broadcast<float[]> b = sc.broadcast(new float[n]);
          packed.map(i -> new float[b.value().length]).treeAggregate((float[]) null, (a, x) -> x, (a, x) -> a == null ? x : a, 2);
          b.destroy(false);
        });
        time("PACKED map small + reduce", 100, () -> packed.map(i -> 1).reduce(Integer::sum));
        if (round == 1) { sc.setLogLevel("INFO"); packed.map(i -> 1).reduce(Integer::sum); rdd.map(i -> 1).reduce(Integer::sum); sc.setLogLevel("WARN"); }
        time("foreachPartition noop", 200, () -> rdd.foreachPartition(it -> {}));
        time("map small + reduce", 200, () -> rdd.map(i -> i).reduce(Integer::sum));
        time("broadcast only + destroy", 200, () -> sc.broadcast(new float[n]).destroy(false));
        time("bcast + map read + reduce small", 200, () -> {
          Broadcast<float[]> b = sc.broadcast(new float[n]);
          rdd.map(i -> b.value().length).reduce(Integer::sum);
          b.destroy(false);
        });
        time("map return float[n] + reduce", 200, () -> rdd.map(i -> new float[n]).reduce((a, x) -> a));
        time("bcast + return float[n] + reduce", 200, () -> {
          Broadcast<float[]> b = sc.broadcast(new float[n]);
          rdd.map(i -> new float[b.value().length]).reduce((a, x) -> a);
          b.destroy(false);
        });
        time("bcast + return float[n] + treeAggregate", 200, () -> {
          Broadcast<float[]> b = sc.broadcast(new float[n]);
          rdd.map(i -> new float[b.value().length]).treeAggregate((float[]) null, (a, x) -> x, (a, x) -> a == null ? x : a, 2);
          b.destroy(false);
        });
      }
    }
  }

  static void time(String what, int reps, Runnable r) {
    long[] t = new long[reps];
    for (int i = 0; i < reps; i++) {
      long t0 = System.nanoTime();
      r.run();
      t[i] = System.nanoTime() - t0;
    }
    long[] s = Arrays.copyOfRange(t, reps / 4, reps);
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "%-45s median %6.2f ms  p10 %6.2f  p90 %6.2f%n", what, s[s.length / 2] / 1e6,
        s[s.length / 10] / 1e6, s[s.length * 9 / 10] / 1e6);
  }
}
