package dev.dptrain.worker.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.Worker;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one step of the broadcast transport (a Spark job per step): this partition's share
 * of the step at {@code at}, with the broadcast parameters.
 */
public final class BroadcastTask implements PartitionTask.PartitionFunction<PackedPartition, GradientSum> {
  private static final long serialVersionUID = 1L;

  private final Broadcast<NetworkSpec> spec;
  private final Broadcast<float[]> params;
  private final StepCoordinates at;
  private final Augmentation augment;

  public BroadcastTask(Broadcast<NetworkSpec> spec, Broadcast<float[]> params, StepCoordinates at,
                       Augmentation augment) {
    this.spec = spec;
    this.params = params;
    this.at = at;
    this.augment = augment;
  }

  @Override
  public GradientSum apply(PackedPartition part) {
    InjectedFailure.check(InjectedFailure.step(), at.step(), part.index(), TaskContext.get().attemptNumber() == 0);
    return Worker.get().gradient(spec.value(), params.value(), part, at, augment);
  }
}
