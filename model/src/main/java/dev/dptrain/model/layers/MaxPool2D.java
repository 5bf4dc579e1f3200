package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Max pooling per channel over k x k windows with stride s and padding p (padded positions never
 * win): {@code y[c, oy, ox] = max over the window of x}. Backward routes each output gradient to
 * the input position that won the forward pass (the first one on ties), as PyTorch does.
 * Shapes: (C, H, W) to (C, OH, OW), OH = (H + 2p − k)/s + 1. No parameters.
 */
public final class MaxPool2D extends Pooling {
  /** Flat input index of each output's maximum, from the last forward. */
  private int[] argmax = new int[0];

  public MaxPool2D(Shape in, int kernel, int stride, int pad) {
    super("maxpool", in, kernel, stride, pad);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    argmax = argmax.length >= batch * out.size() ? argmax : new int[batch * out.size()];
    int h = in.height();
    int w = in.width();
    int oh = out.height();
    int ow = out.width();
    int planes = batch * in.channels();
    if (kernel == 2 && stride == 2 && pad == 0) {
      forward2x2(x, y, planes, h, w, oh, ow);
      return y;
    }
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * h * w;
      for (int o = 0; o < windows; o++) {
        int best = src + windowTaps[windowStart[o]];
        float m = x[best];
        for (int t = windowStart[o]; t < windowStart[o + 1]; t++) {
          int at = src + windowTaps[t];
          if (x[at] > m) {
            m = x[at];
            best = at;
          }
        }
        y[pl * windows + o] = m;
        argmax[pl * windows + o] = best;
      }
    }
    return y;
  }

  /** The common 2x2/2 case without window bookkeeping (same first-maximum rule). */
  private void forward2x2(float[] x, float[] y, int planes, int h, int w, int oh, int ow) {
    for (int pl = 0; pl < planes; pl++) {
      int src = pl * h * w;
      int dst = pl * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int r0 = src + 2 * oy * w;
        int r1 = r0 + w;
        int o = dst + oy * ow;
        for (int ox = 0; ox < ow; ox++) {
          int a = r0 + 2 * ox;
          int best = a;
          float m = x[a];
          if (x[a + 1] > m) {
            m = x[a + 1];
            best = a + 1;
          }
          int b = r1 + 2 * ox;
          if (x[b] > m) {
            m = x[b];
            best = b;
          }
          if (x[b + 1] > m) {
            m = x[b + 1];
            best = b + 1;
          }
          y[o + ox] = m;
          argmax[o + ox] = best;
        }
      }
    }
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    return routedBackward(argmax, dy, batch);
  }
}
