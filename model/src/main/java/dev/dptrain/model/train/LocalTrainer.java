package dev.dptrain.model.train;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import java.util.Arrays;

/**
 * Single-process mini-batch training: the reference the Spark trainer is checked against. It
 * follows the same {@link BatchPlan} as the Spark trainer. With {@code ghostPartitions = P > 1} the
 * data set is split into P contiguous blocks that each contribute their own share of every step
 * with their own batch statistics ("ghost batches"), exactly like P Spark partitions.
 */
public final class LocalTrainer {
  /** Stream tags for seed derivation, so shuffles and dropout never share numbers. */
  public static final long SHUFFLE_STREAM = 0x5348;
  public static final long BATCH_STREAM = 0x4241;

  private final Network network;
  private final TrainSpec spec;
  private final int ghostPartitions;

  /** Called after every step and every epoch; the default does nothing. */
  public interface Listener {
    default void onStep(Stepper.StepInfo info) {}

    default void onEpoch(int epoch, Evaluation train, Evaluation validation) {}
  }

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
  public TrainingState fit(Dataset train, Dataset validation, Listener listener) {
    BatchPlan plan = new BatchPlan(BatchPlan.evenSplit(train.size(), ghostPartitions), spec.batchSize(), spec.seed());
    Dataset[] blocks = new Dataset[ghostPartitions];
    for (int p = 0; p < ghostPartitions; p++) {
      int start = (int) BatchPlan.blockStart(train.size(), ghostPartitions, p);
      blocks[p] = train.slice(start, (int) plan.partitionSize(p));
    }
    long perEpoch = plan.stepsPerEpoch();
    Stepper stepper = new Stepper(network, spec, perEpoch * spec.epochs());
    TrainingState state = stepper.initialState();
    SliceGradient slice = new SliceGradient();
    float[] grad = new float[network.paramCount()]; // reused: a fresh megabyte per step costs G1 pauses
    for (; state.epoch < spec.epochs(); state.epoch++, state.stepInEpoch = 0) {
      int[][] orders = new int[ghostPartitions][];
      for (int p = 0; p < ghostPartitions; p++) orders[p] = plan.localOrder(p, state.epoch);
      Evaluation epochTrain = new Evaluation();
      epochTrain.hasAccuracy = network.loss().hasAccuracy();
      for (long k = 0; k < perEpoch; k++) {
        GradientSum sum = new GradientSum();
        Arrays.fill(grad, 0f);
        sum.grad = grad;
        for (int p = 0; p < ghostPartitions; p++) {
          slice.accumulate(network, state.params, state.normState, blocks[p], orders[p],
              (int) plan.sliceFrom(p, k), (int) plan.sliceFrom(p, k + 1),
              BatchPlan.batchSeed(spec.seed(), state.step, p), spec.augment(), sum);
        }
        epochTrain.lossSum += sum.lossSum;
        epochTrain.count += sum.count;
        epochTrain.correct += sum.correct;
        listener.onStep(stepper.apply(state, sum));
      }
      listener.onEpoch(state.epoch, epochTrain,
          validation == null ? null : evaluate(network, state, validation, 1000));
    }
    return state;
  }

  /** Inference-mode loss and accuracy over a whole data set. */
  public static Evaluation evaluate(Network network, TrainingState state, Dataset data, int batch) {
    Evaluation ev = new Evaluation();
    int d = data.shape().size();
    int lw = data.labelWidth();
    float[] xb = new float[batch * d];
    float[] yb = new float[batch * lw];
    for (int from = 0; from < data.size(); from += batch) {
      int n = Math.min(batch, data.size() - from);
      System.arraycopy(data.features(), from * d, xb, 0, n * d);
      System.arraycopy(data.labels(), from * lw, yb, 0, n * lw);
      network.evaluate(state.params, state.normState, xb, yb, n, ev);
    }
    return ev;
  }
}
