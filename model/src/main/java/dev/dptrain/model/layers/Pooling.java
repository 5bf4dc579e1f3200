package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;
import dev.dptrain.model.ops.Im2Col;

/** Shape rules and descriptions shared by the window pooling layers. */
final class Pooling {
  private Pooling() {}

  static Shape outShape(String name, Shape in, int kernel, int stride, int pad) {
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

  static String describe(String name, int kernel, int stride, int pad) {
    return name + "(" + kernel + (stride != kernel ? ", stride " + stride : "") + (pad != 0 ? ", pad " + pad : "") + ")";
  }
}
