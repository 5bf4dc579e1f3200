package dev.dptrain.model.train;

import dev.dptrain.model.Rng;

/**
 * Which examples every step uses, shared by the Spark trainer and the single-process trainer so
 * that both can run the very same steps.
 *
 * <p>The data set is split into P partitions (contiguous blocks of sizes n_p, possibly unequal or
 * empty). An epoch has S = ceil(N / B) steps for N examples and global batch B. At the start of
 * epoch e, partition p shuffles its local indices with the stream (seed, SHUFFLE, e, p); step k
 * then takes positions [⌊k·n_p/S⌋, ⌊(k+1)·n_p/S⌋) of that order. Every example is used once per
 * epoch, every partition contributes its share to every step, and nothing depends on timing or on
 * which executor runs a task.
 */
public final class BatchPlan {
  private final long[] sizes;
  private final long total;
  private final int globalBatch;
  private final long seed;

  public BatchPlan(long[] partitionSizes, int globalBatch, long seed) {
    if (globalBatch <= 0) throw new IllegalArgumentException("global batch must be positive: " + globalBatch);
    this.sizes = partitionSizes.clone();
    long t = 0;
    for (long s : sizes) {
      if (s < 0) throw new IllegalArgumentException("negative partition size " + s);
      t += s;
    }
    if (t == 0) throw new IllegalArgumentException("the training data is empty");
    this.total = t;
    this.globalBatch = globalBatch;
    this.seed = seed;
  }

  /** Sizes of P contiguous blocks of n examples: block p = [⌊p·n/P⌋, ⌊(p+1)·n/P⌋). */
  public static long[] evenSplit(long n, int partitions) {
    long[] s = new long[partitions];
    for (int p = 0; p < partitions; p++) s[p] = blockStart(n, partitions, p + 1) - blockStart(n, partitions, p);
    return s;
  }

  public static long blockStart(long n, int partitions, int p) {
    return Math.floorDiv(n * p, partitions);
  }

  public int partitions() {
    return sizes.length;
  }

  public long partitionSize(int p) {
    return sizes[p];
  }

  public long totalExamples() {
    return total;
  }

  public long stepsPerEpoch() {
    return (total + globalBatch - 1) / globalBatch;
  }

  /** Local order of partition p in epoch e: a seeded permutation of [0, n_p). */
  public int[] localOrder(int p, int epoch) {
    return localOrder(seed, epoch, p, (int) sizes[p]);
  }

  public static int[] localOrder(long seed, int epoch, int p, int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Rng.derive(seed, LocalTrainer.SHUFFLE_STREAM, epoch, p).shuffle(order);
    return order;
  }

  /** First position (in the local order) of partition p's share of step k. */
  public long sliceFrom(int p, long k) {
    return sliceFrom(sizes[p], stepsPerEpoch(), k);
  }

  public static long sliceFrom(long partitionSize, long stepsPerEpoch, long k) {
    return Math.floorDiv(partitionSize * k, stepsPerEpoch);
  }

  /** Seed of partition p's randomness (dropout, augmentation) at a global step. */
  public static long batchSeed(long seed, long step, int p) {
    return Rng.mix(seed, LocalTrainer.BATCH_STREAM, step, p);
  }
}
