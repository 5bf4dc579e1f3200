package dev.dptrain.worker;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.layers.NormStats;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.PartitionGradient;
import dev.dptrain.model.train.StepCoordinates;
import java.util.HashMap;
import java.util.Map;

/**
 * Executor-side work: a partition and the step's parameters in, a result out. Networks (with
 * their activation buffers) are built once per thread and reused for every step; only the
 * parameter vector changes. Each method is a pure function of its arguments, so a task that
 * Spark retries, on any executor, returns the same result.
 */
public final class Worker {
  private static final ThreadLocal<Worker> PER_THREAD = ThreadLocal.withInitial(Worker::new);

  private final Map<NetworkSpec, Network> networks = new HashMap<>();
  private final PartitionGradient partition = new PartitionGradient();

  private Worker() {}

  /** This thread's worker. */
  public static Worker get() {
    return PER_THREAD.get();
  }

  public Network network(NetworkSpec spec) {
    return networks.computeIfAbsent(spec, Network::build);
  }

  /**
   * The partition's share of a step (see {@link PartitionGradient}): gradient SUM, loss sum,
   * count, correct predictions and batch statistics of its examples, plus the compute time. The
   * gradient array is this thread's, reused by its next call: the caller must have consumed
   * (serialised, or merged and applied) a result before asking for the next one, which every
   * transport does.
   */
  public GradientSum gradient(NetworkSpec spec, float[] params, PackedPartition part, StepCoordinates at,
                              Augmentation augment) {
    return partition.compute(network(spec), params, part, part.index(), at, augment);
  }

  /** Inference-mode loss and accuracy over the whole partition, 1000 examples at a time. */
  public Evaluation evaluate(NetworkSpec spec, float[] params, float[] normState, PackedPartition part) {
    return network(spec).evaluate(params, normState, part, 1000);
  }

  /**
   * Precise BN: pooled training-mode batch statistics of this partition's shares of
   * {@code batches} consecutive steps of epoch 0's order, with the given (frozen) parameters.
   */
  public double[] batchStatistics(NetworkSpec spec, float[] params, PackedPartition part, long seed,
                                  long stepsPerEpoch, int batches) {
    Network net = network(spec);
    double[] pooled = net.emptyStats();
    int n = part.size();
    int[] ord = partition.localOrder(seed, 0, part.index(), n);
    int d = part.shape().size();
    int lw = part.labelWidth();
    for (int k = 0; k < Math.min(batches, stepsPerEpoch); k++) {
      int from = (int) BatchPlan.sliceFrom(n, stepsPerEpoch, k);
      int to = (int) BatchPlan.sliceFrom(n, stepsPerEpoch, k + 1);
      if (to <= from) continue;
      float[] xb = new float[(to - from) * d];
      float[] yb = new float[(to - from) * lw];
      part.gather(ord, from, to - from, xb, yb);
      NormStats.merge(pooled, net.batchStatistics(params, null, xb, to - from, BatchPlan.batchSeed(seed, k, part.index())));
    }
    return pooled;
  }
}
