package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.steps.BroadcastTask;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One Spark job per step: broadcast the parameters, run every partition's task (the worker's
 * {@link BroadcastTask}), destroy the broadcast. Results come back through the job and are merged on the driver in partition order
 * ({@code treeDepth} 1), or by a {@code treeAggregate} of that depth on very wide clusters, which
 * merges in completion order (bit-reproducible only up to 2 partitions).
 */
public final class BroadcastSteps implements StepTransport {
  private final JavaSparkContext sc;
  private final JavaRDD<PackedPartition> train;
  private final Broadcast<NetworkSpec> spec;
  private final Augmentation augment;
  private final int treeDepth;

  public BroadcastSteps(JavaSparkContext sc, JavaRDD<PackedPartition> train, Broadcast<NetworkSpec> spec,
                        Augmentation augment, int treeDepth) {
    this.sc = sc;
    this.train = train;
    this.spec = spec;
    this.augment = augment;
    this.treeDepth = treeDepth;
  }

  @Override
  public GradientSum step(StepCoordinates at, float[] params) {
    Broadcast<float[]> bc = sc.broadcast(params);
    BroadcastTask task = new BroadcastTask(spec, bc, at, augment);
    try {
      return treeDepth <= 1 ? GradientSum.mergeInOrder(PartitionJob.run(sc, train, task, GradientSum.class))
          : train.map(task::apply).treeAggregate(new GradientSum(), GradientSum::merge, GradientSum::merge, treeDepth);
    } finally {
      bc.destroy(false);
    }
  }

  @Override
  public void release() {}

  @Override
  public void close() {}
}
