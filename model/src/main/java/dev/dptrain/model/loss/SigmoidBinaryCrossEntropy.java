package dev.dptrain.model.loss;

/**
 * Sigmoid and binary cross-entropy fused, per output j with target t_j in [0, 1]:
 *
 * <pre>  L = Σ_j max(z_j, 0) - z_j t_j + log(1 + e^{-|z_j|}),   dL/dz_j = σ(z_j) - t_j  </pre>
 *
 * which equals -t log σ(z) - (1-t) log(1-σ(z)) without overflow for large |z|.
 */
public final class SigmoidBinaryCrossEntropy implements Loss {
  @Override
  public int labelWidth(int width) {
    return width;
  }

  @Override
  public double lossAndDelta(float[] z, float[] t, int batch, int width, float[] delta) {
    int n = batch * width;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double zi = z[i];
      total += Math.max(zi, 0) - zi * t[i] + Math.log1p(Math.exp(-Math.abs(zi)));
      if (delta != null) delta[i] = (float) (sigmoid(zi) - t[i]);
    }
    return total;
  }

  private static double sigmoid(double z) {
    if (z >= 0) return 1 / (1 + Math.exp(-z));
    double e = Math.exp(z);
    return e / (1 + e);
  }

  @Override
  public long countCorrect(float[] z, float[] t, int batch, int width) {
    long correct = 0;
    for (int i = 0; i < batch; i++) {
      boolean all = true;
      for (int j = 0; j < width; j++) all &= (z[i * width + j] > 0) == (t[i * width + j] > 0.5f);
      if (all) correct++;
    }
    return correct;
  }

  @Override
  public void toPrediction(float[] z, int batch, int width) {
    for (int i = 0; i < batch * width; i++) z[i] = (float) sigmoid(z[i]);
  }

  @Override
  public String name() {
    return "sigmoid_binary_cross_entropy";
  }
}
