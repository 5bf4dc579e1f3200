package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.ops.Gemm;

/**
 * Fully connected layer: y = W x + b.
 *
 * <p>Shapes: input (batch, in) (any input shape is read flattened), output (batch, units).
 * Parameters, in this order: W (units x in, row-major, as PyTorch's {@code Linear.weight}), then b
 * (units) when {@code bias} is set. Initialisation: W from {@code init} with fanIn = in, fanOut =
 * units; b = 0.
 */
public final class Dense extends AbstractLayer {
  private final int nIn;
  private final int units;
  private final boolean bias;
  private final Init init;
  private float[] input;

  public Dense(Shape in, int units, boolean bias, Init init) {
    super(in, Shape.vector(units));
    if (units <= 0) throw new IllegalArgumentException("dense: units must be positive, got " + units);
    this.nIn = in.size();
    this.units = units;
    this.bias = bias;
    this.init = init.forWeights("dense(" + units + ")");
    if ((long) units * nIn + (bias ? units : 0) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("dense: " + units + " units x " + nIn + " inputs is more than "
          + Integer.MAX_VALUE + " parameters");
    }
  }

  @Override
  public int paramCount() {
    return units * nIn + (bias ? units : 0);
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    init.fill(params, paramOffset, units * nIn, nIn, units, rng);
    if (bias) java.util.Arrays.fill(params, paramOffset + units * nIn, paramOffset + paramCount(), 0f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    input = x;
    float[] y = outputBuffer(batch);
    float[] p = pass.params;
    float beta = 0f;
    if (bias) {
      int b = paramOffset + units * nIn;
      for (int i = 0; i < batch; i++) System.arraycopy(p, b, y, i * units, units);
      beta = 1f;
    }
    // y[batch x units] = x[batch x in] * W^T
    Gemm.gemm(false, true, batch, units, nIn, 1f, x, 0, nIn, p, paramOffset, nIn, beta, y, 0, units);
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    float[] g = pass.grads;
    // dW[units x in] += dy^T * x
    Gemm.gemm(true, false, units, nIn, batch, 1f, dy, 0, units, input, 0, nIn, 1f, g, paramOffset, nIn);
    if (bias) {
      int b = paramOffset + units * nIn;
      for (int i = 0; i < batch; i++) {
        int r = i * units;
        for (int j = 0; j < units; j++) g[b + j] += dy[r + j];
      }
    }
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    // dx[batch x in] = dy[batch x units] * W
    Gemm.gemm(false, false, batch, nIn, units, 1f, dy, 0, units, pass.params, paramOffset, nIn, 0f, dx, 0, nIn);
    return dx;
  }

  public int units() {
    return units;
  }

  @Override
  public String describe() {
    return "dense(" + units + (bias ? "" : ", no bias") + ", " + init + ")";
  }
}
