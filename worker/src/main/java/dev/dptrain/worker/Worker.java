package dev.dptrain.worker;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.layers.NormStats;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.SliceGradient;
import java.util.Arrays;
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
  private final SliceGradient slice = new SliceGradient();
  private float[] grad;
  private int[] order;
  private long orderKey0 = Long.MIN_VALUE;
  private long orderKey1 = Long.MIN_VALUE;

  private Worker() {}

  /** This thread's worker. */
  public static Worker get() {
    return PER_THREAD.get();
  }

  public Network network(NetworkSpec spec) {
    return networks.computeIfAbsent(spec, Network::build);
  }

  /** Coordinates of one step, all that a task needs besides the parameters and the data. */
  public record StepCoordinates(long seed, int epoch, long step, long stepInEpoch, long stepsPerEpoch)
      implements java.io.Serializable {}

  /**
   * The partition's share of a step: gradient SUM, loss sum, count, correct predictions and
   * batch statistics of its examples, plus the compute time of this task. The examples are
   * augmented with {@code augment} (seeded by the batch seed) before the forward pass.
   *
   * <p>The gradient array is this thread's, reused by its next call: the caller must have
   * consumed (serialised, or merged and applied) a result before asking for the next one, which
   * every transport does. A megabyte array per task per step would otherwise be a G1 humongous
   * allocation each time, and the collections they trigger cost more than the step.
   */
  public GradientSum gradient(NetworkSpec spec, float[] params, PackedPartition part, StepCoordinates at,
                              Augmentation augment) {
    long t0 = System.nanoTime();
    Network net = network(spec);
    GradientSum sum = new GradientSum();
    int n = part.size();
    int from = (int) BatchPlan.sliceFrom(n, at.stepsPerEpoch(), at.stepInEpoch());
    int to = (int) BatchPlan.sliceFrom(n, at.stepsPerEpoch(), at.stepInEpoch() + 1);
    if (to > from) {
      if (grad == null || grad.length != net.paramCount()) {
        grad = new float[net.paramCount()];
      } else {
        Arrays.fill(grad, 0f);
      }
      sum.grad = grad;
      slice.accumulate(net, params, null, part, localOrder(at.seed(), at.epoch(), part),
          from, to, BatchPlan.batchSeed(at.seed(), at.step(), part.index()), augment, sum);
    }
    sum.computeNanos = System.nanoTime() - t0;
    return sum;
  }

  private int[] localOrder(long seed, int epoch, PackedPartition part) {
    long k0 = seed ^ ((long) epoch << 32 | part.index());
    long k1 = ((long) epoch << 32) | part.size();
    if (order == null || k0 != orderKey0 || k1 != orderKey1) {
      order = BatchPlan.localOrder(seed, epoch, part.index(), part.size());
      orderKey0 = k0;
      orderKey1 = k1;
    }
    return order;
  }

  /** Inference-mode loss and accuracy over the whole partition. */
  public Evaluation evaluate(NetworkSpec spec, float[] params, float[] normState, PackedPartition part) {
    Network net = network(spec);
    Evaluation ev = new Evaluation();
    ev.hasAccuracy = net.loss().hasAccuracy();
    int batch = 1000;
    int d = part.shape().size();
    int lw = part.labelWidth();
    float[] xb = new float[Math.min(batch, part.size()) * d];
    float[] yb = new float[Math.min(batch, part.size()) * lw];
    for (int from = 0; from < part.size(); from += batch) {
      int m = Math.min(batch, part.size() - from);
      part.copy(from, m, xb, yb);
      net.evaluate(params, normState, xb, yb, m, ev);
    }
    return ev;
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
    int[] ord = localOrder(seed, 0, part);
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
