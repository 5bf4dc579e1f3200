package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Residual block (He et al., 2016): {@code y = F(x) + S(x)}, where F is a chain of layers (for
 * example conv-BN-ReLU-conv-BN) and S is the identity when F keeps the shape, or a projection (a
 * 1x1 convolution with the stride that matches F's output size, no bias, optionally followed by
 * BatchNorm) when F changes channels or size. The activation after the sum is a separate layer.
 *
 * <p>Backward: dL/dx = F'(x)ᵀ dy + S'(x)ᵀ dy. Parameters and state are those of F's layers then
 * S's, in that order; inner layers are exposed through {@link #children()} so that the network
 * pools the statistics of inner BatchNorm layers like any other.
 */
public final class ResidualBlock extends AbstractLayer {
  private final List<Layer> main;
  private final List<Layer> shortcut;

  /**
   * @param main the residual branch F, already built for {@code in}
   * @param shortcut the projection S (empty for the identity), built for {@code in}
   */
  public ResidualBlock(Shape in, List<Layer> main, List<Layer> shortcut) {
    super(in, main.isEmpty() ? in : main.get(main.size() - 1).outputShape());
    if (main.isEmpty()) throw new IllegalArgumentException("residual: the block needs at least one layer");
    Shape skip = shortcut.isEmpty() ? in : shortcut.get(shortcut.size() - 1).outputShape();
    if (!skip.equals(out)) {
      throw new IllegalArgumentException("residual: the branch maps " + in + " to " + out
          + " but the shortcut gives " + skip + "; use projection = auto");
    }
    this.main = List.copyOf(main);
    this.shortcut = List.copyOf(shortcut);
  }

  /**
   * The 1x1 projection (plus BatchNorm when asked) from {@code in} to {@code out}, or an empty list
   * when the shapes already agree.
   */
  public static List<Layer> projection(Shape in, Shape out, boolean batchNorm, double bnEps, double bnMomentum,
                                       dev.dptrain.model.init.Init init) {
    if (in.equals(out)) return List.of();
    // The stride whose 1x1 convolution gives the branch's output size (7 -> 4 is stride 2).
    int stride = 0;
    for (int st = 1; st <= Math.max(in.height(), in.width()) && stride == 0; st++) {
      if (dev.dptrain.model.ops.Im2Col.outSize(in.height(), 1, st, 0) == out.height()
          && dev.dptrain.model.ops.Im2Col.outSize(in.width(), 1, st, 0) == out.width()) {
        stride = st;
      }
    }
    if (stride == 0) {
      throw new IllegalArgumentException("residual: no 1x1 projection with one stride maps " + in + " to " + out);
    }
    List<Layer> s = new ArrayList<>();
    Conv2D conv = new Conv2D(in, out.channels(), 1, 1, stride, 0, false, init);
    s.add(conv);
    if (batchNorm) s.add(new BatchNorm(conv.outputShape(), bnEps, bnMomentum));
    return s;
  }

  @Override
  public List<Layer> children() {
    List<Layer> all = new ArrayList<>(main);
    all.addAll(shortcut);
    return all;
  }

  @Override
  public int paramCount() {
    int n = 0;
    for (Layer l : children()) n += l.paramCount();
    return n;
  }

  @Override
  public int stateCount() {
    int n = 0;
    for (Layer l : children()) n += l.stateCount();
    return n;
  }

  @Override
  public void bind(int paramOffset, int stateOffset, int index) {
    super.bind(paramOffset, stateOffset, index);
    int p = paramOffset;
    int s = stateOffset;
    int k = 0;
    for (Layer l : children()) {
      // Inner layers get random streams of their own, away from the top-level indices.
      l.bind(p, s, (index + 1) * 1000 + k++);
      p += l.paramCount();
      s += l.stateCount();
    }
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    long base = rng.nextLong();
    int k = 0;
    for (Layer l : children()) l.initParams(params, Rng.derive(base, k++));
  }

  @Override
  public void initState(float[] state) {
    for (Layer l : children()) l.initState(state);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] a = x;
    for (Layer l : main) a = l.forward(pass, a, batch);
    float[] s = x;
    for (Layer l : shortcut) s = l.forward(pass, s, batch);
    float[] y = outputBuffer(batch);
    int n = batch * out.size();
    for (int i = 0; i < n; i++) y[i] = a[i] + s[i];
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    float[] dMain = dy;
    for (int i = main.size() - 1; i >= 0; i--) dMain = main.get(i).backward(pass, dMain, batch, i > 0 || needInputGrad);
    float[] dSkip = dy;
    for (int i = shortcut.size() - 1; i >= 0; i--) {
      dSkip = shortcut.get(i).backward(pass, dSkip, batch, i > 0 || needInputGrad);
    }
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    int n = batch * in.size();
    for (int i = 0; i < n; i++) dx[i] = dMain[i] + dSkip[i];
    return dx;
  }

  @Override
  public String describe() {
    return "residual(" + main.size() + " layers, " + (shortcut.isEmpty() ? "identity)" : "projection)");
  }
}
