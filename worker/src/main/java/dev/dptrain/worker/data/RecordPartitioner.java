package dev.dptrain.worker.data;

import dev.dptrain.model.Rng;
import org.apache.spark.Partitioner;

/**
 * Sends each record to a training partition drawn from (seed, record key): P partitions of
 * near-equal size (multinomial, so within a few √(n/P) of n/P) whose content does not depend on
 * how the input was split, and examples of every file spread over all partitions (BatchNorm sees
 * every class in every partition even when the files are sorted by class).
 */
public final class RecordPartitioner extends Partitioner {
  private static final long serialVersionUID = 1L;
  /** Stream tag of the partition draw, apart from the shuffle and batch streams. */
  public static final long PARTITION_STREAM = 0x5041;

  private final int partitions;
  private final long seed;

  public RecordPartitioner(int partitions, long seed) {
    if (partitions <= 0) throw new IllegalArgumentException("partitions must be positive, got " + partitions);
    this.partitions = partitions;
    this.seed = seed;
  }

  @Override
  public int numPartitions() {
    return partitions;
  }

  @Override
  public int getPartition(Object key) {
    RecordKey k = (RecordKey) key;
    return partitionOf(k, partitions, seed);
  }

  public static int partitionOf(RecordKey k, int partitions, long seed) {
    return (int) Long.remainderUnsigned(Rng.mix(seed, PARTITION_STREAM, k.file(), k.record()), partitions);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecordPartitioner p && p.partitions == partitions && p.seed == seed;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(seed) * 31 + partitions;
  }
}
