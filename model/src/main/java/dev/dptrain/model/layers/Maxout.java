package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.ops.Gemm;

/**
 * Maxout (Goodfellow et al., 2013): a linear map to units·k values z = W x + b, then the maximum
 * over each group of k consecutive values:
 *
 * <pre>  y_u = max_{j &lt; k} z_{u·k + j},   dz_{u·k + j*} = dy_u for the argmax j*, 0 otherwise  </pre>
 *
 * then dW += dzᵀ x, db += Σ dz, dx = dz W as in {@link Dense}. Ties go to the first piece.
 *
 * <p>Shapes: input (batch, in) (read flattened), output (batch, units). Parameters: W (units·k x
 * in, row-major; rows u·k .. u·k+k−1 are unit u's pieces), then b (units·k). Initialisation: W from
 * {@code init} with fanIn = in, fanOut = units·k; b = 0.
 */
public final class Maxout extends AbstractLayer {
  private final int nIn;
  private final int units;
  private final int pieces;
  private final int rows;
  private final Init init;
  private float[] input;
  private float[] z = new float[0];
  private float[] dz = new float[0];
  private int[] argmax = new int[0];

  public Maxout(Shape in, int units, int pieces, Init init) {
    super(in, Shape.vector(units));
    if (units <= 0) throw new IllegalArgumentException("maxout: units must be positive, got " + units);
    if (pieces < 2) throw new IllegalArgumentException("maxout: pieces must be >= 2, got " + pieces);
    this.nIn = in.size();
    this.units = units;
    this.pieces = pieces;
    this.rows = units * pieces;
    this.init = init.forWeights("maxout(" + units + ")");
  }

  @Override
  public int paramCount() {
    return rows * nIn + rows;
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    init.fill(params, paramOffset, rows * nIn, nIn, rows, rng);
    java.util.Arrays.fill(params, paramOffset + rows * nIn, paramOffset + paramCount(), 0f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    input = x;
    float[] p = pass.params;
    int b = paramOffset + rows * nIn;
    z = ensure(z, batch * rows);
    for (int i = 0; i < batch; i++) System.arraycopy(p, b, z, i * rows, rows);
    // z[batch x rows] = x[batch x in] * W^T + b
    Gemm.gemm(false, true, batch, rows, nIn, 1f, x, 0, nIn, p, paramOffset, nIn, 1f, z, 0, rows);
    float[] y = outputBuffer(batch);
    if (argmax.length < batch * units) argmax = new int[batch * units];
    for (int o = 0; o < batch * units; o++) {
      int first = o * pieces;
      int best = first;
      for (int k = first + 1; k < first + pieces; k++) if (z[k] > z[best]) best = k;
      argmax[o] = best;
      y[o] = z[best];
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    float[] g = pass.grads;
    dz = ensure(dz, batch * rows);
    java.util.Arrays.fill(dz, 0, batch * rows, 0f);
    for (int o = 0; o < batch * units; o++) dz[argmax[o]] = dy[o];
    // dW[rows x in] += dz^T * x
    Gemm.gemm(true, false, rows, nIn, batch, 1f, dz, 0, rows, input, 0, nIn, 1f, g, paramOffset, nIn);
    int b = paramOffset + rows * nIn;
    for (int i = 0; i < batch; i++) {
      int r = i * rows;
      for (int j = 0; j < rows; j++) g[b + j] += dz[r + j];
    }
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    // dx[batch x in] = dz[batch x rows] * W
    Gemm.gemm(false, false, batch, nIn, rows, 1f, dz, 0, rows, pass.params, paramOffset, nIn, 0f, dx, 0, nIn);
    return dx;
  }

  @Override
  public String describe() {
    return "maxout(" + units + " units x " + pieces + " pieces, " + init + ")";
  }
}
