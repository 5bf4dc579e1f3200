package dev.dptrain.model.loss;

/**
 * Squared error, J = 1/(2m) Σ_i ‖h(x_i) - y_i‖²: per example ½ Σ_j (h_j - y_j)², gradient h - y.
 * The 1/m is applied by the trainer, as for every loss.
 */
public final class MeanSquaredError implements Loss {
  @Override
  public int labelWidth(int width) {
    return width;
  }

  @Override
  public double lossAndDelta(float[] h, float[] y, int batch, int width, float[] delta) {
    int n = batch * width;
    double total = 0;
    for (int i = 0; i < n; i++) {
      float d = h[i] - y[i];
      total += 0.5 * d * d;
      if (delta != null) delta[i] = d;
    }
    return total;
  }

  @Override
  public boolean hasAccuracy() {
    return false;
  }

  @Override
  public long countCorrect(float[] h, float[] y, int batch, int width) {
    return -1;
  }

  @Override
  public void toPrediction(float[] h, int batch, int width) {}

  @Override
  public String name() {
    return "mse";
  }
}
