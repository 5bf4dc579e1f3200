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

  /** First output column whose input column ox·stride − pad + kj is ≥ 0. */
  private static int validFrom(int kj, int stride, int pad) {
    int need = pad - kj; // ox·stride ≥ need
    return need <= 0 ? 0 : (need + stride - 1) / stride;
  }

  /** One past the last output column whose input column is < w (at least validFrom's caller's lo). */
  private static int validTo(int kj, int stride, int pad, int w, int ow) {
    int limit = w + pad - kj; // ox·stride < limit
    if (limit <= 0) return 0;
    return Math.min(ow, (limit + stride - 1) / stride);
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
          int lo = validFrom(kj, stride, pad);
          int hi = validTo(kj, stride, pad, w, ow);
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * stride - pad + ki;
            int d = dst + oy * ow;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(cols, d, d + ow, 0f);
              continue;
            }
            int src = plane + iy * w - pad + kj; // input index of ox = 0, before the stride
            // Padding columns are few (≤ pad at each end): plain loops, not Arrays.fill calls.
            for (int ox = 0, end = Math.min(lo, ow); ox < end; ox++) cols[d + ox] = 0f;
            if (stride == 1) {
              if (hi > lo) System.arraycopy(x, src + lo, cols, d + lo, hi - lo);
            } else {
              for (int ox = lo; ox < hi; ox++) cols[d + ox] = x[src + ox * stride];
            }
            for (int ox = Math.min(Math.max(hi, lo), ow); ox < ow; ox++) cols[d + ox] = 0f;
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
          int lo = validFrom(kj, stride, pad);
          int hi = validTo(kj, stride, pad, w, ow);
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy * stride - pad + ki;
            if (iy < 0 || iy >= h) continue;
            int s = src + oy * ow;
            int d = plane + iy * w - pad + kj;
            if (stride == 1) {
              for (int ox = lo; ox < hi; ox++) dx[d + ox] += cols[s + ox];
            } else {
              for (int ox = lo; ox < hi; ox++) dx[d + ox * stride] += cols[s + ox];
            }
          }
        }
      }
    }
  }
}
