package dev.dptrain.driver;

import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.worker.PackedPartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/** Turns data sets into cached RDDs with one {@link PackedPartition} per partition. */
public final class PackedData {
  private PackedData() {}

  /**
   * Splits {@code data} into {@code partitions} contiguous blocks (block p = examples
   * [⌊p·n/P⌋, ⌊(p+1)·n/P⌋)), one per partition, cached in memory.
   */
  public static JavaRDD<PackedPartition> fromDataset(JavaSparkContext sc, Dataset data, int partitions) {
    if (partitions <= 0) throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    List<PackedPartition> blocks = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      int start = (int) BatchPlan.blockStart(data.size(), partitions, p);
      int end = (int) BatchPlan.blockStart(data.size(), partitions, p + 1);
      blocks.add(new PackedPartition(p, data.slice(start, end - start)));
    }
    return fromBlocks(sc, blocks);
  }

  /**
   * Given blocks (block i becomes partition i; sizes may differ, blocks may be empty). The
   * lineage is cut after caching: a parallelized collection carries its data inside every task
   * and job description, which would ship the whole data set with each training step.
   */
  public static JavaRDD<PackedPartition> fromBlocks(JavaSparkContext sc, List<PackedPartition> blocks) {
    JavaRDD<PackedPartition> rdd = sc.parallelize(blocks, blocks.size()).map(p -> p)
        .persist(StorageLevel.MEMORY_AND_DISK());
    rdd.rdd().localCheckpoint();
    rdd.count();
    return rdd;
  }

  /**
   * Fits a {@link Standardizer} in ONE distributed pass: each task returns its partition's
   * per-group count, sum and sum of squares (double), merged on the driver in partition order.
   */
  public static Standardizer fitStandardizer(JavaSparkContext sc, JavaRDD<PackedPartition> data,
                                             Standardizer.Mode mode, boolean perChannel) {
    if (mode == Standardizer.Mode.NONE) return Standardizer.NONE;
    java.util.List<double[]> parts = PartitionJob.run(sc, data, p -> Standardizer.moments(p.data().features(),
        p.size(), p.data().shape(), perChannel), double[].class);
    double[] total = null;
    for (double[] m : parts) {
      if (total == null) {
        total = m.clone();
      } else {
        for (int i = 0; i < m.length; i++) total[i] += m[i];
      }
    }
    if (total == null || total[0] == 0) throw new IllegalArgumentException("cannot fit standardisation on no data");
    return Standardizer.fromMoments(mode, perChannel, total);
  }

  /**
   * The data transformed by {@code st} on the executors, cached in place of {@code data} (which is
   * unpersisted), block i still partition i.
   */
  public static JavaRDD<PackedPartition> standardize(JavaRDD<PackedPartition> data, Standardizer st) {
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
}
