package dev.dptrain.model.ops;

/**
 * Weight-normalisation reparametrisation (Salimans &amp; Kingma, 2016) of a row-major weight
 * matrix, one row per output unit:
 *
 * <pre>
 *   w_i = g_i · v_i / ‖v_i‖                                   (forward, {@link #weights})
 *   dL/dg_i = (v_i · dw_i) / ‖v_i‖
 *   dL/dv_i = (g_i / ‖v_i‖) · dw_i − (g_i · dL/dg_i / ‖v_i‖²) · v_i   (backward, {@link #backward})
 * </pre>
 *
 * It is the same as PyTorch's {@code weight_norm(module, dim=0)}. A layer keeps v and g in its
 * parameter slice, calls {@link #weights} at the start of forward to materialise w in a buffer it
 * owns, uses w exactly as an ordinary weight matrix, accumulates dL/dw into a zeroed scratch
 * buffer in backward and hands it to {@link #backward}, which ADDS dL/dv and dL/dg into the
 * gradient vector.
 *
 * <p>Any layer whose weights are "one row per output unit" can use it: {@code WeightNormDense}
 * (rows = units, cols = inputs) and a convolution whose weights are stored
 * {@code [cout, cin·kh·kw]} (rows = output channels, cols = cin·kh·kw; the im2col GEMM then reads
 * the materialised w instead of the parameter slice). Initialise g_i = ‖v_i‖ ({@link #initGain})
 * so that w starts equal to v.
 */
public final class WeightNorm {
  private WeightNorm() {}

  /**
   * w[rows x cols] = g ⊙ v / ‖v‖ row by row; saves 1/‖v_i‖ in {@code invNorm[0, rows)} for
   * {@link #backward}. A zero row gives a zero weight row (and zero gradients) instead of NaN.
   */
  public static void weights(float[] params, int vOff, int gOff, int rows, int cols,
                             float[] w, int wOff, float[] invNorm) {
    for (int i = 0; i < rows; i++) {
      int r = vOff + i * cols;
      double ss = 0;
      for (int j = 0; j < cols; j++) ss += (double) params[r + j] * params[r + j];
      float inv = ss > 0 ? (float) (1 / Math.sqrt(ss)) : 0f;
      invNorm[i] = inv;
      float scale = params[gOff + i] * inv;
      int wr = wOff + i * cols;
      for (int j = 0; j < cols; j++) w[wr + j] = scale * params[r + j];
    }
  }

  /**
   * Maps dL/dw (rows x cols at {@code dw[dwOff]}) onto the parameters: ADDS dL/dv into
   * {@code grads[vOff, vOff + rows·cols)} and dL/dg into {@code grads[gOff, gOff + rows)}.
   * {@code invNorm} must be what {@link #weights} saved for the same parameters.
   */
  public static void backward(float[] params, int vOff, int gOff, int rows, int cols, float[] invNorm,
                              float[] dw, int dwOff, float[] grads) {
    for (int i = 0; i < rows; i++) {
      int r = vOff + i * cols;
      int dr = dwOff + i * cols;
      float inv = invNorm[i];
      double dot = 0;
      for (int j = 0; j < cols; j++) dot += (double) params[r + j] * dw[dr + j];
      double dg = dot * inv;
      grads[gOff + i] += (float) dg;
      float g = params[gOff + i];
      float a = g * inv;
      float b = (float) (g * dg * inv * inv);
      for (int j = 0; j < cols; j++) grads[r + j] += a * dw[dr + j] - b * params[r + j];
    }
  }

  /** g_i = ‖v_i‖ for every row, so that the initial w equals v. */
  public static void initGain(float[] params, int vOff, int gOff, int rows, int cols) {
    for (int i = 0; i < rows; i++) {
      int r = vOff + i * cols;
      double ss = 0;
      for (int j = 0; j < cols; j++) ss += (double) params[r + j] * params[r + j];
      params[gOff + i] = (float) Math.sqrt(ss);
    }
  }
}
