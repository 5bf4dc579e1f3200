package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.ops.Gemm;
import dev.dptrain.model.ops.Im2Col;
import dev.dptrain.model.ops.WeightNorm;

/**
 * 2-D convolution (cross-correlation, as PyTorch's {@code Conv2d}) over NCHW images:
 *
 * <pre>  y[n, o, oy, ox] = b[o] + Σ_{c, ki, kj} W[o, c, ki, kj] · x[n, c, oy·s − p + ki, ox·s − p + kj]  </pre>
 *
 * with zero padding p and stride s. Shapes: input (C, H, W), output (F, OH, OW) with
 * OH = (H + 2p − kh)/s + 1. Parameters, in this order: W (F x C x kh x kw, row-major), then b (F)
 * when {@code bias} is set. Initialisation: W from {@code init} with fanIn = C·kh·kw and
 * fanOut = F·kh·kw; b = 0.
 *
 * <p>With {@code weightNorm}, W = g·v/‖v‖ per filter ({@link WeightNorm}, as PyTorch's
 * {@code weight_norm(conv, dim=0)}): parameters v (F x C x kh x kw), g (F, initialised to ‖v‖ so
 * that W starts equal to v), then b.
 *
 * <p>The whole batch is unfolded into one columns matrix [C·kh·kw, N·OH·OW] ({@link Im2Col}), so
 * forward, the weight gradient and the input gradient are one sgemm each.
 */
public final class Conv2D extends AbstractLayer {
  private final int cin;
  private final int h;
  private final int w;
  private final int filters;
  private final int kh;
  private final int kw;
  private final int stride;
  private final int pad;
  private final boolean bias;
  private final boolean weightNorm;
  private final Init init;
  private final int k;
  private final int positions;
  private float[] cols = new float[0];
  private float[] outCm = new float[0];
  private float[] dyCm = new float[0];
  private float[] dcols = new float[0];
  // Weight norm: materialised W, 1/‖v‖ per filter, and dL/dW before it is mapped to v and g.
  private final float[] weights;
  private final float[] invNorm;
  private final float[] weightGrad;

  public Conv2D(Shape in, int filters, int kh, int kw, int stride, int pad, boolean bias, Init init) {
    this(in, filters, kh, kw, stride, pad, bias, false, init);
  }

  public Conv2D(Shape in, int filters, int kh, int kw, int stride, int pad, boolean bias, boolean weightNorm,
                Init init) {
    super(in, outShape(in, filters, kh, kw, stride, pad));
    this.cin = in.channels();
    this.h = in.height();
    this.w = in.width();
    this.filters = filters;
    this.kh = kh;
    this.kw = kw;
    this.stride = stride;
    this.pad = pad;
    this.bias = bias;
    this.weightNorm = weightNorm;
    this.init = init.forWeights("conv2d(" + filters + ")");
    this.k = cin * kh * kw;
    this.positions = out.spatial();
    this.weights = weightNorm ? new float[filters * k] : null;
    this.invNorm = weightNorm ? new float[filters] : null;
    this.weightGrad = weightNorm ? new float[filters * k] : null;
  }

  private int gainOffset() {
    return paramOffset + filters * k;
  }

  private int biasOffset() {
    return paramOffset + filters * k + (weightNorm ? filters : 0);
  }

  private static Shape outShape(Shape in, int filters, int kh, int kw, int stride, int pad) {
    if (filters <= 0) throw new IllegalArgumentException("conv2d: filters must be positive, got " + filters);
    if (kh <= 0 || kw <= 0) throw new IllegalArgumentException("conv2d: kernel must be positive, got " + kh + "x" + kw);
    if (stride <= 0) throw new IllegalArgumentException("conv2d: stride must be positive, got " + stride);
    if (pad < 0) throw new IllegalArgumentException("conv2d: padding must be >= 0, got " + pad);
    int oh = Im2Col.outSize(in.height(), kh, stride, pad);
    int ow = Im2Col.outSize(in.width(), kw, stride, pad);
    if (in.height() + 2 * pad < kh || in.width() + 2 * pad < kw) {
      throw new IllegalArgumentException("conv2d: kernel " + kh + "x" + kw + " is larger than the padded input "
          + (in.height() + 2 * pad) + "x" + (in.width() + 2 * pad) + " of " + in);
    }
    return Shape.image(filters, oh, ow);
  }

  @Override
  public int paramCount() {
    return filters * k + (weightNorm ? filters : 0) + (bias ? filters : 0);
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    init.fill(params, paramOffset, filters * k, k, filters * kh * kw, rng);
    if (weightNorm) WeightNorm.initGain(params, paramOffset, gainOffset(), filters, k);
    if (bias) java.util.Arrays.fill(params, biasOffset(), biasOffset() + filters, 0f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    int ld = batch * positions;
    cols = ensure(cols, k * ld);
    int inSize = in.size();
    for (int i = 0; i < batch; i++) {
      Im2Col.im2col(x, i * inSize, cin, h, w, kh, kw, stride, pad, cols, i * positions, ld);
    }
    // Channel-major result [F, N·P] from one sgemm, then transposed by blocks into NCHW.
    outCm = ensure(outCm, filters * ld);
    float[] p = pass.params;
    float[] wArr = p;
    int wOff = paramOffset;
    if (weightNorm) {
      WeightNorm.weights(p, paramOffset, gainOffset(), filters, k, weights, 0, invNorm);
      wArr = weights;
      wOff = 0;
    }
    Gemm.gemm(false, false, filters, ld, k, 1f, wArr, wOff, k, cols, 0, ld, 0f, outCm, 0, ld);
    float[] y = outputBuffer(batch);
    int b0 = biasOffset();
    for (int i = 0; i < batch; i++) {
      for (int f = 0; f < filters; f++) {
        int src = f * ld + i * positions;
        int dst = (i * filters + f) * positions;
        if (bias) {
          float bf = p[b0 + f];
          for (int q = 0; q < positions; q++) y[dst + q] = outCm[src + q] + bf;
        } else {
          System.arraycopy(outCm, src, y, dst, positions);
        }
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    int ld = batch * positions;
    dyCm = ensure(dyCm, filters * ld);
    float[] g = pass.grads;
    int b0 = biasOffset();
    for (int i = 0; i < batch; i++) {
      for (int f = 0; f < filters; f++) {
        int src = (i * filters + f) * positions;
        System.arraycopy(dy, src, dyCm, f * ld + i * positions, positions);
        if (bias) {
          double s = 0;
          for (int q = 0; q < positions; q++) s += dy[src + q];
          g[b0 + f] += (float) s;
        }
      }
    }
    // dW[F x K] += dY[F x N·P] · cols[K x N·P]^T (through g and v with weight norm)
    if (weightNorm) {
      Gemm.gemm(false, true, filters, k, ld, 1f, dyCm, 0, ld, cols, 0, ld, 0f, weightGrad, 0, k);
      WeightNorm.backward(pass.params, paramOffset, gainOffset(), filters, k, invNorm, weightGrad, 0, g);
    } else {
      Gemm.gemm(false, true, filters, k, ld, 1f, dyCm, 0, ld, cols, 0, ld, 1f, g, paramOffset, k);
    }
    if (!needInputGrad) return null;
    // dcols[K x N·P] = W^T · dY, folded back per image
    dcols = ensure(dcols, k * ld);
    float[] wArr = weightNorm ? weights : pass.params;
    int wOff = weightNorm ? 0 : paramOffset;
    Gemm.gemm(true, false, k, ld, filters, 1f, wArr, wOff, k, dyCm, 0, ld, 0f, dcols, 0, ld);
    float[] dx = gradInputBuffer(batch);
    int inSize = in.size();
    java.util.Arrays.fill(dx, 0, batch * inSize, 0f);
    for (int i = 0; i < batch; i++) {
      Im2Col.col2im(dcols, i * positions, ld, cin, h, w, kh, kw, stride, pad, dx, i * inSize);
    }
    return dx;
  }

  @Override
  public String describe() {
    return "conv2d(" + filters + ", " + kh + "x" + kw + (stride != 1 ? ", stride " + stride : "")
        + (pad != 0 ? ", pad " + pad : "") + (bias ? "" : ", no bias") + (weightNorm ? ", weight-norm" : "")
        + ", " + init + ")";
  }
}
