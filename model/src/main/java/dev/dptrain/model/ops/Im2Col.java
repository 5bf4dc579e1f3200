package dev.dptrain.model.ops;

/**
 * Unfolds convolution windows into columns so that a convolution becomes one matrix multiply
 * (im2col), and folds column gradients back into an image (col2im, its adjoint).
 *
 * <p>Layout: for an image of C x H x W and a kh x kw window with the given stride and zero padding,
 * the columns matrix has K = C·kh·kw rows (ordered c, ki, kj, as PyTorch orders conv weights) and
 * one column per output position (oy, ox). Several images are placed side by side: image i fills
 * columns {@code [colOff + i·P, colOff + (i+1)·P)} of a row of length {@code ld}, P = OH·OW, so one
 * sgemm covers the whole batch.
 */
public final class Im2Col {
  private Im2Col() {}

  public static int outSize(int in, int kernel, int stride, int pad) {
    return (in + 2 * pad - kernel) / stride + 1;
  }

  /** Writes image {@code x[xOff ..]} (C x H x W) into {@code cols} at column offset {@code colOff}. */
  public static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int stride, int pad,
                            float[] cols, int colOff, int ld) {
    int oh = outSize(h, kh, stride, pad);
    int ow = outSize(w, kw, stride, pad);
    int row = 0;
    for (int ch = 0; ch < c; ch++) {
      int plane = xOff + ch * h * w;
      for (int ki = 0; ki < kh; ki++) {
        for (int kj = 0; kj < kw; kj++, row++) {
          int dst = row * ld + colOff;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * stride - pad + ki;
            int d = dst + oy * ow;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(cols, d, d + ow, 0f);
              continue;
            }
            int src = plane + iy * w;
            for (int ox = 0; ox < ow; ox++) {
              int ix = ox * stride - pad + kj;
              cols[d + ox] = ix >= 0 && ix < w ? x[src + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /** Adds the column gradients of one image back into {@code dx[dxOff ..]} (which it does not clear). */
  public static void col2im(float[] cols, int colOff, int ld, int c, int h, int w, int kh, int kw, int stride,
                            int pad, float[] dx, int dxOff) {
    int oh = outSize(h, kh, stride, pad);
    int ow = outSize(w, kw, stride, pad);
    int row = 0;
    for (int ch = 0; ch < c; ch++) {
      int plane = dxOff + ch * h * w;
      for (int ki = 0; ki < kh; ki++) {
        for (int kj = 0; kj < kw; kj++, row++) {
          int src = row * ld + colOff;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * stride - pad + ki;
            if (iy < 0 || iy >= h) continue;
            int s = src + oy * ow;
            int d = plane + iy * w;
            for (int ox = 0; ox < ow; ox++) {
              int ix = ox * stride - pad + kj;
              if (ix >= 0 && ix < w) dx[d + ix] += cols[s + ox];
            }
          }
        }
      }
    }
  }
}
