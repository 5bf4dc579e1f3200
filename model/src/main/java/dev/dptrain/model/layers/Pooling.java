package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;
import dev.dptrain.model.ops.Im2Col;
import java.util.Arrays;

/**
 * Base of the window pooling layers (max, average, stochastic): their shape rule and description,
 * their k x k windows listed once per layer, and the backward of the layers that send each output
 * gradient to one input position.
 *
 * <p>Window o of a plane (output position oy * OW + ox) covers the in-plane input offsets
 * {@code windowTaps[windowStart[o]] .. windowTaps[windowStart[o + 1] - 1]}, iy * W + ix row by
 * row, padded positions left out. A layer walks a window with one flat loop, in the order of the
 * nested row and column loops the list replaces, so its sums round as they did.
 */
abstract class Pooling extends AbstractLayer {
  private final String name;
  protected final int kernel;
  protected final int stride;
  protected final int pad;
  /** Windows per plane (OH * OW) and where each one's taps start; windowStart[windows] ends the last. */
  protected final int windows;
  protected final int[] windowStart;
  protected final int[] windowTaps;

  Pooling(String name, Shape in, int kernel, int stride, int pad) {
    super(in, outShape(name, in, kernel, stride, pad));
    this.name = name;
    this.kernel = kernel;
    this.stride = stride;
    this.pad = pad;
    int h = in.height();
    int w = in.width();
    int ow = out.width();
    windows = out.height() * ow;
    windowStart = new int[windows + 1];
    int[] taps = new int[windows * kernel * kernel];
    int n = 0;
    for (int o = 0; o < windows; o++) {
      int top = o / ow * stride - pad;
      int left = o % ow * stride - pad;
      for (int iy = Math.max(top, 0); iy < Math.min(top + kernel, h); iy++) {
        for (int ix = Math.max(left, 0); ix < Math.min(left + kernel, w); ix++) taps[n++] = iy * w + ix;
      }
      windowStart[o + 1] = n;
    }
    windowTaps = Arrays.copyOf(taps, n);
  }

  private static Shape outShape(String name, Shape in, int kernel, int stride, int pad) {
    if (kernel <= 0) throw new IllegalArgumentException(name + ": kernel must be positive, got " + kernel);
    if (stride <= 0) throw new IllegalArgumentException(name + ": stride must be positive, got " + stride);
    if (pad < 0 || 2 * pad > kernel) {
      throw new IllegalArgumentException(name + ": padding must be in [0, kernel/2], got " + pad + " for kernel " + kernel);
    }
    if (in.height() + 2 * pad < kernel || in.width() + 2 * pad < kernel) {
      throw new IllegalArgumentException(name + ": kernel " + kernel + " is larger than the padded input " + in);
    }
    return Shape.image(in.channels(), Im2Col.outSize(in.height(), kernel, stride, pad),
        Im2Col.outSize(in.width(), kernel, stride, pad));
  }

  /** Input gradient of a layer whose output o came from flat input position route[o] (from none when negative). */
  protected float[] routedBackward(int[] route, float[] dy, int batch) {
    float[] dx = gradInputBuffer(batch);
    Arrays.fill(dx, 0, batch * in.size(), 0f);
    int n = batch * out.size();
    for (int o = 0; o < n; o++) if (route[o] >= 0) dx[route[o]] += dy[o];
    return dx;
  }

  @Override
  public String describe() {
    return name + "(" + kernel + (stride != kernel ? ", stride " + stride : "") + (pad != 0 ? ", pad " + pad : "") + ")";
  }
}
