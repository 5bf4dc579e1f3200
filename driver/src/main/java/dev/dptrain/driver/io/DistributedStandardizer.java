package dev.dptrain.driver.io;

import dev.dptrain.driver.PackedData;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Moments;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;

/**
 * Fits a {@link Standardizer} in ONE distributed pass: per-partition [n, mean, M2] per group in
 * double, merged with Chan's formula in a {@code treeAggregate}; and applies one to a cached
 * partitioned data set on the executors.
 */
public final class DistributedStandardizer {
  private DistributedStandardizer() {}

  public static Standardizer fit(JavaRDD<PackedPartition> data, Standardizer.Mode mode, boolean perChannel, int depth) {
    if (mode == Standardizer.Mode.NONE) return Standardizer.NONE;
    double[] moments = data.map(p -> Moments.of(p.data().features(), p.size(), p.data().shape(), perChannel))
        .treeAggregate(null, DistributedStandardizer::mergeNullable, DistributedStandardizer::mergeNullable, depth);
    if (moments == null) throw new IllegalArgumentException("cannot fit a standardisation on an empty data set");
    return Standardizer.fromCentralMoments(mode, perChannel, moments);
  }

  private static double[] mergeNullable(double[] a, double[] b) {
    return a == null ? b : b == null ? a : Moments.merge(a, b);
  }

  /** A new cached RDD with the transform applied to every partition (the input is unpersisted). */
  public static JavaRDD<PackedPartition> apply(JavaRDD<PackedPartition> data, Standardizer st) {
    if (st.mode() == Standardizer.Mode.NONE) return data;
    JavaRDD<PackedPartition> out = data.map(p -> {
      Dataset d = p.data();
      float[] x = d.features().clone();
      st.apply(x, d.size(), d.shape());
      return new PackedPartition(p.index(), new Dataset(d.shape(), d.labelWidth(), x, d.labels()));
    }).persist(StorageLevel.MEMORY_AND_DISK());
    out.rdd().localCheckpoint();
    out.count();
    data.unpersist(false);
    return out;
  }

  /** Convenience for callers holding a driver-side data set: pack, then apply. */
  public static JavaRDD<PackedPartition> packed(org.apache.spark.api.java.JavaSparkContext sc, Dataset d,
                                                int partitions, Standardizer st) {
    return apply(PackedData.fromDataset(sc, d, partitions), st);
  }
}
