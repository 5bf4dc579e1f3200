package dev.dptrain.model.train;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;

/**
 * Single-process mini-batch training: the {@link TrainingLoop} over {@link LocalSteps}, the
 * reference the Spark trainer is checked against. With {@code ghostPartitions = P > 1} the data set
 * is split into P contiguous blocks that each contribute their own share of every step with their
 * own batch statistics ("ghost batches"), through the same per-partition code as P Spark partitions.
 */
public final class LocalTrainer {
  /** Stream tags for seed derivation, so shuffles and dropout never share numbers. */
  public static final long SHUFFLE_STREAM = 0x5348;
  public static final long BATCH_STREAM = 0x4241;

  private final Network network;
  private final TrainSpec spec;
  private final int ghostPartitions;

  public LocalTrainer(NetworkSpec net, TrainSpec spec) {
    this(net, spec, 1);
  }

  public LocalTrainer(NetworkSpec net, TrainSpec spec, int ghostPartitions) {
    if (ghostPartitions <= 0) throw new IllegalArgumentException("ghost partitions must be positive");
    spec.augment().checkFits(net.input());
    this.network = Network.build(net);
    this.spec = spec;
    this.ghostPartitions = ghostPartitions;
  }

  public Network network() {
    return network;
  }

  /** Trains from a fresh state; {@code validation} may be null. */
  public TrainingState fit(Dataset train, Dataset validation, TrainingLoop.Listener listener) {
    try (LocalSteps steps = new LocalSteps(network, train, ghostPartitions, spec.augment())) {
      BatchPlan plan = new BatchPlan(steps.partitionSizes(), spec.batchSize(), spec.seed());
      TrainingLoop loop = new TrainingLoop(network, spec, plan.stepsPerEpoch());
      if (validation != null) loop.validateWith(s -> evaluate(network, s, validation, 1000));
      TrainingState state = loop.initialState();
      loop.run(state, steps, listener);
      return state;
    }
  }

  /** Inference-mode loss and accuracy over a whole data set ({@link Network#evaluate(float[], float[], Dataset, int)}). */
  public static Evaluation evaluate(Network network, TrainingState state, Dataset data, int batch) {
    return network.evaluate(state.params, state.normState, data, batch);
  }
}
