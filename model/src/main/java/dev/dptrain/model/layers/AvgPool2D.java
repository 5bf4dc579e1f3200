package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Average pooling per channel over k x k windows with stride s and zero padding p:
 * {@code y = (1/k²) Σ_window x}, padded zeros included in the count (PyTorch's default
 * {@code count_include_pad=True}). Backward spreads each output gradient evenly, dy/k², over its
 * window. Shapes: (C, H, W) to (C, OH, OW), OH = (H + 2p − k)/s + 1. No parameters.
 */
public final class AvgPool2D extends Pooling {
  /** 1/k², padded positions counted. */
  private final float norm;

  public AvgPool2D(Shape in, int kernel, int stride, int pad) {
    super("avgpool", in, kernel, stride, pad);
    norm = 1f / (kernel * kernel);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * in.height() * in.width();
      for (int o = 0; o < windows; o++) {
        float s = 0;
        for (int t = windowStart[o]; t < windowStart[o + 1]; t++) s += x[src + windowTaps[t]];
        y[pl * windows + o] = s * norm;
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    java.util.Arrays.fill(dx, 0, batch * in.size(), 0f);
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * in.height() * in.width();
      for (int o = 0; o < windows; o++) {
        float g = dy[pl * windows + o] * norm;
        for (int t = windowStart[o]; t < windowStart[o + 1]; t++) dx[src + windowTaps[t]] += g;
      }
    }
    return dx;
  }
}
