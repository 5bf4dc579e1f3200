package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Softmax over the features of each example: y_i = e^{z_i - max z} / Σ_j e^{z_j - max z}.
 * Subtracting the max keeps it finite for logits of any size. Backward applies the Jacobian:
 * dz_i = y_i (dy_i - Σ_j dy_j y_j). For classification prefer a {@code dense} output with the fused
 * {@code softmax_cross_entropy} loss, which is cheaper and more accurate than this layer + a loss.
 */
public final class Softmax extends AbstractLayer {
  public Softmax(Shape in) {
    super(in, in);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    int n = in.size();
    for (int i = 0; i < batch; i++) softmaxRow(x, i * n, y, i * n, n);
    return y;
  }

  /** Stable softmax of x[off, off+n) into y[yOff, yOff+n); returns log Σ e^{x}. */
  public static double softmaxRow(float[] x, int off, float[] y, int yOff, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) max = Math.max(max, x[off + j]);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      double e = Math.exp(x[off + j] - max);
      y[yOff + j] = (float) e;
      sum += e;
    }
    float inv = (float) (1 / sum);
    for (int j = 0; j < n; j++) y[yOff + j] *= inv;
    return max + Math.log(sum);
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    float[] y = output;
    int n = in.size();
    for (int i = 0; i < batch; i++) {
      int r = i * n;
      double dot = 0;
      for (int j = 0; j < n; j++) dot += dy[r + j] * y[r + j];
      for (int j = 0; j < n; j++) dx[r + j] = (float) (y[r + j] * (dy[r + j] - dot));
    }
    return dx;
  }

  @Override
  public String describe() {
    return "softmax";
  }
}
