package dev.dptrain.model.train;

import java.io.Serializable;

/**
 * Where one synchronous step is in the run: all that a partition needs, besides the parameters and
 * its data, to find its share of the step (see {@link BatchPlan}). The training loop makes one per
 * step and the same record reaches every partition, local or on an executor.
 *
 * @param seed the run's seed
 * @param epoch 0-based epoch (selects every partition's shuffle)
 * @param step global step, 0-based (selects the batch seed)
 * @param stepInEpoch step within the epoch (selects every partition's slice of its order)
 * @param stepsPerEpoch steps of one epoch
 */
public record StepCoordinates(long seed, int epoch, long step, long stepInEpoch, long stepsPerEpoch)
    implements Serializable {
  /** First position of a partition of {@code partitionSize} examples in this step's slice. */
  public int sliceFrom(int partitionSize) {
    return (int) BatchPlan.sliceFrom(partitionSize, stepsPerEpoch, stepInEpoch);
  }

  /** End (exclusive) of a partition of {@code partitionSize} examples in this step's slice. */
  public int sliceTo(int partitionSize) {
    return (int) BatchPlan.sliceFrom(partitionSize, stepsPerEpoch, stepInEpoch + 1);
  }

  /** Seed of partition {@code p}'s randomness (dropout, augmentation) in this step. */
  public long batchSeed(int p) {
    return BatchPlan.batchSeed(seed, step, p);
  }
}
