package dev.dptrain.driver.data;

import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.worker.PackedPartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Data sets already in the driver's memory (a Java caller's {@link Dataset}, tests) as cached RDDs
 * with one {@link PackedPartition} per partition. Input files never come this way: they are read
 * by the executors ({@link DistributedData}).
 */
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
}
