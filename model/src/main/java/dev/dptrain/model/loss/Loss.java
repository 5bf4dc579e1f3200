package dev.dptrain.model.loss;

import java.util.Locale;

/**
 * A loss over the network's raw output. Reductions are SUMS over the batch: distributed training
 * adds the sums of all partitions and divides once by the global example count, which makes the
 * step independent of how examples are split.
 *
 * <p>Labels are batch-major floats, {@link #labelWidth} per example.
 */
public interface Loss {
  /** Label floats per example for an output of {@code width} features. */
  int labelWidth(int width);

  /**
   * Returns Σ over the batch of the per-example loss and, when {@code delta} is non-null, writes
   * d(loss sum)/d(output) into it.
   */
  double lossAndDelta(float[] out, float[] labels, int batch, int width, float[] delta);

  /** False for regression losses, where accuracy has no meaning. */
  default boolean hasAccuracy() {
    return true;
  }

  /** Examples predicted correctly, or -1 where accuracy has no meaning (regression). */
  long countCorrect(float[] out, float[] labels, int batch, int width);

  /** Turns raw outputs into predictions in place (probabilities for classifiers). */
  void toPrediction(float[] out, int batch, int width);

  String name();

  static Loss parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "softmax_cross_entropy", "cross_entropy", "categorical_cross_entropy" -> new SoftmaxCrossEntropy();
      case "sigmoid_binary_cross_entropy", "binary_cross_entropy", "bce" -> new SigmoidBinaryCrossEntropy();
      case "mse", "mean_squared_error" -> new MeanSquaredError();
      default -> throw new IllegalArgumentException("unknown loss '" + name + "'; expected one of "
          + "softmax_cross_entropy, sigmoid_binary_cross_entropy, mse");
    };
  }
}
