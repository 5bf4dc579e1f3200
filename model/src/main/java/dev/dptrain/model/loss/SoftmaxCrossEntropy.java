package dev.dptrain.model.loss;

import dev.dptrain.model.layers.Softmax;

/**
 * Softmax and cross-entropy fused, over logits z with an integer class label t per example:
 *
 * <pre>  L = -log softmax(z)_t = logΣ_j e^{z_j} - z_t,   dL/dz = softmax(z) - onehot(t)  </pre>
 *
 * The log-sum-exp subtracts the max logit, so logits of ±1000 give finite losses and gradients.
 */
public final class SoftmaxCrossEntropy implements Loss {
  private float[] probs = new float[0];

  @Override
  public int labelWidth(int width) {
    return 1;
  }

  @Override
  public double lossAndDelta(float[] z, float[] labels, int batch, int width, float[] delta) {
    if (probs.length < width) probs = new float[width];
    double total = 0;
    for (int i = 0; i < batch; i++) {
      int r = i * width;
      int t = classOf(labels[i], width, i);
      double lse = Softmax.softmaxRow(z, r, probs, 0, width);
      total += lse - z[r + t];
      if (delta != null) {
        System.arraycopy(probs, 0, delta, r, width);
        delta[r + t] -= 1f;
      }
    }
    return total;
  }

  static int classOf(float label, int width, int example) {
    int t = (int) label;
    if (t != label || t < 0 || t >= width) {
      throw new IllegalArgumentException("label " + label + " of batch example " + example
          + " is not a class index in [0, " + width + ")");
    }
    return t;
  }

  @Override
  public long countCorrect(float[] z, float[] labels, int batch, int width) {
    long correct = 0;
    for (int i = 0; i < batch; i++) {
      int r = i * width;
      int best = 0;
      for (int j = 1; j < width; j++) if (z[r + j] > z[r + best]) best = j;
      if (best == (int) labels[i]) correct++;
    }
    return correct;
  }

  @Override
  public void toPrediction(float[] z, int batch, int width) {
    for (int i = 0; i < batch; i++) Softmax.softmaxRow(z, i * width, z, i * width, width);
  }

  @Override
  public String name() {
    return "softmax_cross_entropy";
  }
}
