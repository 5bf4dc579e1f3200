package dev.dptrain.model.train;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;

/**
 * Steps in this process over P simulated partitions (contiguous blocks of the data set, as
 * {@link BatchPlan#evenSplit} cuts them): each block computes its share with
 * {@link PartitionGradient}, the code a Spark task runs, and the results are merged in partition
 * order, as the Spark transports merge them.
 */
public final class LocalSteps implements StepSource {
  private final Network network;
  private final Dataset[] blocks;
  private final PartitionGradient[] partitions;
  private final Augmentation augment;
  private final GradientSum[] results;

  public LocalSteps(Network network, Dataset data, int partitions, Augmentation augment) {
    this.network = network;
    this.augment = augment;
    this.blocks = new Dataset[partitions];
    this.partitions = new PartitionGradient[partitions];
    this.results = new GradientSum[partitions];
    long[] sizes = BatchPlan.evenSplit(data.size(), partitions);
    for (int p = 0; p < partitions; p++) {
      blocks[p] = data.slice((int) BatchPlan.blockStart(data.size(), partitions, p), (int) sizes[p]);
      this.partitions[p] = new PartitionGradient(); // one each: merging takes over a result's array
    }
  }

  /** Sizes of the simulated partitions, in partition order. */
  public long[] partitionSizes() {
    long[] s = new long[blocks.length];
    for (int p = 0; p < blocks.length; p++) s[p] = blocks[p].size();
    return s;
  }

  @Override
  public GradientSum step(StepCoordinates at, float[] params) {
    for (int p = 0; p < blocks.length; p++) {
      results[p] = partitions[p].compute(network, params, blocks[p], p, at, augment);
    }
    return GradientSum.mergeInOrder(java.util.Arrays.asList(results));
  }
}
