package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Parametric ReLU (He et al., 2015): y = x for x &gt; 0, a·x otherwise, with a learned slope a,
 * as PyTorch's {@code PReLU}. {@link Mode#SHARED}: one a for the whole layer; {@link Mode#CHANNEL}:
 * one a per channel (per feature for a vector input).
 *
 * <pre>  dx = dy if x &gt; 0 else a·dy,   da_c += Σ_{x ≤ 0 in channel c} dy·x  </pre>
 *
 * Shapes: output = input. Parameters: a (1 or C), init {@link #INITIAL_SLOPE}.
 */
public final class PReLU extends AbstractLayer {
  public enum Mode { SHARED, CHANNEL }

  /** PyTorch's default initial slope. */
  public static final float INITIAL_SLOPE = 0.25f;

  private final Mode mode;
  private final int slopes;
  private final int span;
  private float[] input;

  public PReLU(Shape in, Mode mode) {
    super(in, in);
    this.mode = mode;
    this.slopes = mode == Mode.SHARED ? 1 : in.channels();
    this.span = in.size() / slopes;
  }

  @Override
  public int paramCount() {
    return slopes;
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    java.util.Arrays.fill(params, paramOffset, paramOffset + slopes, INITIAL_SLOPE);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    input = x;
    float[] y = outputBuffer(batch);
    float[] p = pass.params;
    for (int i = 0; i < batch; i++) {
      for (int c = 0; c < slopes; c++) {
        float a = p[paramOffset + c];
        int off = (i * slopes + c) * span;
        // Branch-free: signs of activations are unpredictable.
        for (int k = off; k < off + span; k++) y[k] = Math.max(x[k], 0f) + a * Math.min(x[k], 0f);
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    float[] x = input;
    float[] p = pass.params;
    float[] dx = needInputGrad ? gradInputBuffer(batch) : null;
    for (int c = 0; c < slopes; c++) {
      float a = p[paramOffset + c];
      double da = 0;
      for (int i = 0; i < batch; i++) {
        int off = (i * slopes + c) * span;
        float partial = 0;
        for (int k = off; k < off + span; k++) partial += dy[k] * Math.min(x[k], 0f);
        da += partial;
        if (dx != null) for (int k = off; k < off + span; k++) dx[k] = x[k] > 0 ? dy[k] : a * dy[k];
      }
      pass.grads[paramOffset + c] += (float) da;
    }
    return dx;
  }

  @Override
  public String describe() {
    return mode == Mode.SHARED ? "prelu(shared)" : "prelu(" + slopes + " channels)";
  }
}
