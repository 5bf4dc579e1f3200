package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Average pooling per channel over k x k windows with stride s and zero padding p:
 * {@code y = (1/k²) Σ_window x}, padded zeros included in the count (PyTorch's default
 * {@code count_include_pad=True}). Backward spreads each output gradient evenly, dy/k², over its
 * window. Shapes: (C, H, W) to (C, OH, OW), OH = (H + 2p − k)/s + 1. No parameters.
 */
public final class AvgPool2D extends AbstractLayer {
  private final int kernel;
  private final int stride;
  private final int pad;

  public AvgPool2D(Shape in, int kernel, int stride, int pad) {
    super(in, Pooling.outShape("avgpool", in, kernel, stride, pad));
    this.kernel = kernel;
    this.stride = stride;
    this.pad = pad;
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    int h = in.height();
    int w = in.width();
    int oh = out.height();
    int ow = out.width();
    float norm = 1f / (kernel * kernel);
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * h * w;
      int dst = pl * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int y0 = Math.max(oy * stride - pad, 0);
        int y1 = Math.min(oy * stride - pad + kernel, h);
        for (int ox = 0; ox < ow; ox++) {
          int x0 = Math.max(ox * stride - pad, 0);
          int x1 = Math.min(ox * stride - pad + kernel, w);
          float s = 0;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) s += x[src + iy * w + ix];
          }
          y[dst + oy * ow + ox] = s * norm;
        }
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    java.util.Arrays.fill(dx, 0, batch * in.size(), 0f);
    int h = in.height();
    int w = in.width();
    int oh = out.height();
    int ow = out.width();
    float norm = 1f / (kernel * kernel);
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * h * w;
      int dst = pl * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int y0 = Math.max(oy * stride - pad, 0);
        int y1 = Math.min(oy * stride - pad + kernel, h);
        for (int ox = 0; ox < ow; ox++) {
          int x0 = Math.max(ox * stride - pad, 0);
          int x1 = Math.min(ox * stride - pad + kernel, w);
          float g = dy[dst + oy * ow + ox] * norm;
          for (int iy = y0; iy < y1; iy++) {
            for (int ix = x0; ix < x1; ix++) dx[src + iy * w + ix] += g;
          }
        }
      }
    }
    return dx;
  }

  @Override
  public String describe() {
    return Pooling.describe("avgpool", kernel, stride, pad);
  }
}
