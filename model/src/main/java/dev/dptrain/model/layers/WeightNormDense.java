package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.ops.Gemm;
import dev.dptrain.model.ops.WeightNorm;

/**
 * Fully connected layer with weight normalisation: y = W x + b with W_i = g_i v_i / ‖v_i‖ (one row
 * per unit; the reparametrisation and its gradient are in {@link WeightNorm}).
 *
 * <p>Shapes: input (batch, in) (any input shape is read flattened), output (batch, units).
 * Parameters, in this order: v (units x in, row-major), g (units), then b (units) when
 * {@code bias} is set. Initialisation: v from {@code init} (fanIn = in, fanOut = units), g = ‖v_i‖
 * so that W starts as v, b = 0. Backward: dW = dyᵀ x, mapped to dv, dg; db = Σ dy; dx = dy W.
 */
public final class WeightNormDense extends AbstractLayer {
  private final int nIn;
  private final int units;
  private final boolean bias;
  private final Init init;
  private final float[] weights;
  private final float[] weightGrad;
  private final float[] invNorm;
  private float[] input;

  public WeightNormDense(Shape in, int units, boolean bias, Init init) {
    super(in, Shape.vector(units));
    if (units <= 0) throw new IllegalArgumentException("dense: units must be positive, got " + units);
    this.nIn = in.size();
    this.units = units;
    this.bias = bias;
    this.init = init.forWeights("dense(" + units + ", weight-norm)");
    this.weights = new float[units * nIn];
    this.weightGrad = new float[units * nIn];
    this.invNorm = new float[units];
  }

  private int gOffset() {
    return paramOffset + units * nIn;
  }

  private int bOffset() {
    return paramOffset + units * nIn + units;
  }

  @Override
  public int paramCount() {
    return units * nIn + units + (bias ? units : 0);
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    init.fill(params, paramOffset, units * nIn, nIn, units, rng);
    WeightNorm.initGain(params, paramOffset, gOffset(), units, nIn);
    if (bias) java.util.Arrays.fill(params, bOffset(), bOffset() + units, 0f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    input = x;
    float[] p = pass.params;
    WeightNorm.weights(p, paramOffset, gOffset(), units, nIn, weights, 0, invNorm);
    float[] y = outputBuffer(batch);
    float beta = 0f;
    if (bias) {
      for (int i = 0; i < batch; i++) System.arraycopy(p, bOffset(), y, i * units, units);
      beta = 1f;
    }
    // y[batch x units] = x[batch x in] * W^T
    Gemm.gemm(false, true, batch, units, nIn, 1f, x, 0, nIn, weights, 0, nIn, beta, y, 0, units);
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    float[] g = pass.grads;
    // dW[units x in] = dy^T * x, then dW -> dv, dg
    Gemm.gemm(true, false, units, nIn, batch, 1f, dy, 0, units, input, 0, nIn, 0f, weightGrad, 0, nIn);
    WeightNorm.backward(pass.params, paramOffset, gOffset(), units, nIn, invNorm, weightGrad, 0, g);
    if (bias) {
      int b = bOffset();
      for (int i = 0; i < batch; i++) {
        int r = i * units;
        for (int j = 0; j < units; j++) g[b + j] += dy[r + j];
      }
    }
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    // dx[batch x in] = dy[batch x units] * W
    Gemm.gemm(false, false, batch, nIn, units, 1f, dy, 0, units, weights, 0, nIn, 0f, dx, 0, nIn);
    return dx;
  }

  @Override
  public String describe() {
    return "dense(" + units + (bias ? "" : ", no bias") + ", weight-norm, " + init + ")";
  }
}
