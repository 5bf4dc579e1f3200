package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Global average pooling: one value per channel, the mean over H x W, {@code y[c] = (1/HW) Σ x[c]}
 * (replaces a large dense head). Backward spreads dy[c]/HW over the channel. Shapes: (C, H, W) to
 * the vector (C). No parameters.
 */
public final class GlobalAvgPool extends AbstractLayer {
  public GlobalAvgPool(Shape in) {
    super(in, Shape.vector(in.channels()));
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    int hw = in.spatial();
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      double s = 0;
      for (int q = pl * hw; q < (pl + 1) * hw; q++) s += x[q];
      y[pl] = (float) (s / hw);
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    int hw = in.spatial();
    int planes = batch * in.channels();
    for (int pl = 0; pl < planes; pl++) {
      float g = dy[pl] / hw;
      java.util.Arrays.fill(dx, pl * hw, (pl + 1) * hw, g);
    }
    return dx;
  }

  @Override
  public String describe() {
    return "global_avgpool";
  }
}
