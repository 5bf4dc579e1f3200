package dev.dptrain.model.train;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;

/**
 * Single-process mini-batch training: the reference the Spark trainer is checked against.
 * Each epoch visits the training set in a seeded random order; the last batch of an epoch may be
 * smaller. With {@code ghostBatch > 0} each batch is processed as chunks with their own batch
 * statistics, exactly like partitions of a distributed step.
 */
public final class LocalTrainer {
  /** Stream tags for {@link Rng#derive}, so shuffles and dropout never share numbers. */
  public static final long SHUFFLE_STREAM = 0x5348;
  public static final long BATCH_STREAM = 0x4241;

  private final Network network;
  private final TrainSpec spec;

  /** Called after every step and every epoch; the default does nothing. */
  public interface Listener {
    default void onStep(Stepper.StepInfo info) {}

    default void onEpoch(int epoch, Evaluation train, Evaluation validation) {}
  }

  public LocalTrainer(NetworkSpec net, TrainSpec spec) {
    this.network = Network.build(net);
    this.spec = spec;
  }

  public Network network() {
    return network;
  }

  public static long stepsPerEpoch(int examples, int batch) {
    return (examples + batch - 1) / batch;
  }

  /** Trains from a fresh state; {@code validation} may be null. */
  public TrainingState fit(Dataset train, Dataset validation, Listener listener) {
    long perEpoch = stepsPerEpoch(train.size(), spec.batchSize());
    Stepper stepper = new Stepper(network, spec, perEpoch * spec.epochs());
    TrainingState state = stepper.initialState();
    int d = train.shape().size();
    int lw = train.labelWidth();
    int b = spec.batchSize();
    float[] xb = new float[b * d];
    float[] yb = new float[b * lw];
    int ghost = spec.ghostBatch() == 0 ? b : spec.ghostBatch();
    float[] xg = new float[ghost * d];
    float[] yg = new float[ghost * lw];
    int[] order = new int[train.size()];
    for (; state.epoch < spec.epochs(); state.epoch++, state.stepInEpoch = 0) {
      for (int i = 0; i < order.length; i++) order[i] = i;
      Rng.derive(spec.seed(), SHUFFLE_STREAM, state.epoch).shuffle(order);
      Evaluation epochTrain = new Evaluation();
      for (long k = 0; k < perEpoch; k++) {
        int from = (int) (k * b);
        int n = Math.min(b, order.length - from);
        train.gather(order, from, n, xb, yb);
        GradientSum sum = new GradientSum();
        for (int c = 0; c < n; c += ghost) {
          int m = Math.min(ghost, n - c);
          System.arraycopy(xb, c * d, xg, 0, m * d);
          System.arraycopy(yb, c * lw, yg, 0, m * lw);
          network.accumulateGradient(state.params, state.normState, xg, yg, m,
              Rng.mix(spec.seed(), BATCH_STREAM, state.step, c / ghost), sum);
        }
        epochTrain.lossSum += sum.lossSum;
        epochTrain.count += sum.count;
        epochTrain.correct += sum.correct;
        listener.onStep(stepper.apply(state, sum));
      }
      epochTrain.hasAccuracy = network.loss().hasAccuracy();
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
