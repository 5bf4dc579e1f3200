package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Normalisation with per-example statistics, shared by {@link LayerNorm}, {@link InstanceNorm} and
 * {@link GroupNorm}. Each example (CHW, D floats) is cut into {@code groups} contiguous blocks of
 * M = D / groups floats; each block is normalised by its own mean and biased variance, then an
 * optional affine map with one (γ, β) pair per "affine channel" (A channels of D / A contiguous
 * floats each) is applied:
 *
 * <pre>
 *   x̂ = (x − μ_block) / √(σ²_block + ε),   y = γ_a x̂ + β_a
 *   dx̂ = γ_a dy,   dx = (1/√(σ²+ε)) · (dx̂ − mean_block(dx̂) − x̂ · mean_block(dx̂ · x̂))
 *   dγ_a += Σ dy · x̂,   dβ_a += Σ dy
 * </pre>
 *
 * Statistics never mix examples, so training and inference are the same computation and there is
 * no running state; the layer is not a {@link BatchStatsLayer}. Parameters (when affine): γ (A,
 * init 1), then β (A, init 0). Statistics are accumulated in double.
 */
abstract class PerExampleNorm extends AbstractLayer {
  private final int groups;
  private final int groupSize;
  private final int affineChannels;
  private final int affineSpan;
  private final boolean affine;
  private final float eps;
  private float[] xhat = new float[0];
  private float[] invStd = new float[0];
  private final double[] dGamma;
  private final double[] dBeta;

  /**
   * @param groups blocks per example, must divide {@code in.size()}
   * @param affineChannels A, must divide {@code in.size()}; ignored when {@code affine} is false
   */
  PerExampleNorm(Shape in, int groups, int affineChannels, boolean affine, double eps, String name) {
    super(in, in);
    if (!(eps > 0)) throw new IllegalArgumentException(name + ": eps must be positive, got " + eps);
    int d = in.size();
    if (groups <= 0 || d % groups != 0) {
      throw new IllegalArgumentException(name + ": " + groups + " groups do not divide the " + d + " features");
    }
    if (d / groups < 2) {
      throw new IllegalArgumentException(name + ": each normalised block of input " + in + " has "
          + d / groups + " value; the variance over one value is 0 and the output would be constant");
    }
    this.groups = groups;
    this.groupSize = d / groups;
    this.affineChannels = affineChannels;
    this.affineSpan = d / affineChannels;
    this.affine = affine;
    this.eps = (float) eps;
    this.dGamma = new double[affine ? affineChannels : 0];
    this.dBeta = new double[affine ? affineChannels : 0];
  }

  @Override
  public int paramCount() {
    return affine ? 2 * affineChannels : 0;
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    if (!affine) return;
    java.util.Arrays.fill(params, paramOffset, paramOffset + affineChannels, 1f);
    java.util.Arrays.fill(params, paramOffset + affineChannels, paramOffset + 2 * affineChannels, 0f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    int d = in.size();
    float[] y = outputBuffer(batch);
    xhat = ensure(xhat, batch * d);
    invStd = ensure(invStd, batch * groups);
    for (int b = 0; b < batch * groups; b++) {
      int off = b * groupSize;
      double sum = 0;
      for (int k = off; k < off + groupSize; k++) sum += x[k];
      double mu = sum / groupSize;
      double ss = 0;
      for (int k = off; k < off + groupSize; k++) {
        double e = x[k] - mu;
        ss += e * e;
      }
      float inv = (float) (1 / Math.sqrt(ss / groupSize + eps));
      invStd[b] = inv;
      float muf = (float) mu;
      for (int k = off; k < off + groupSize; k++) xhat[k] = (x[k] - muf) * inv;
    }
    if (!affine) {
      System.arraycopy(xhat, 0, y, 0, batch * d);
      return y;
    }
    float[] p = pass.params;
    int g0 = paramOffset;
    int b0 = paramOffset + affineChannels;
    for (int i = 0; i < batch; i++) {
      if (affineSpan == 1) {
        // One (γ, β) per feature (LayerNorm): a flat loop over the example.
        int o = i * d;
        for (int j = 0; j < d; j++) y[o + j] = p[g0 + j] * xhat[o + j] + p[b0 + j];
        continue;
      }
      for (int a = 0; a < affineChannels; a++) {
        float gamma = p[g0 + a];
        float beta = p[b0 + a];
        int off = i * d + a * affineSpan;
        for (int k = off; k < off + affineSpan; k++) y[k] = gamma * xhat[k] + beta;
      }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    int d = in.size();
    float[] dxhat = dy;
    if (affine) {
      float[] p = pass.params;
      int g0 = paramOffset;
      dxhat = needInputGrad ? gradInputBuffer(batch) : null;
      java.util.Arrays.fill(dGamma, 0);
      java.util.Arrays.fill(dBeta, 0);
      // Example-major: memory is read in order whatever the affine layout.
      for (int i = 0; i < batch; i++) {
        if (affineSpan == 1) {
          int o = i * d;
          for (int j = 0; j < d; j++) {
            dGamma[j] += dy[o + j] * xhat[o + j];
            dBeta[j] += dy[o + j];
          }
          if (dxhat != null) for (int j = 0; j < d; j++) dxhat[o + j] = p[g0 + j] * dy[o + j];
          continue;
        }
        for (int a = 0; a < affineChannels; a++) {
          int off = i * d + a * affineSpan;
          double sg = 0;
          double sb = 0;
          for (int k = off; k < off + affineSpan; k++) {
            sg += dy[k] * xhat[k];
            sb += dy[k];
          }
          dGamma[a] += sg;
          dBeta[a] += sb;
          if (dxhat != null) {
            float gamma = p[g0 + a];
            for (int k = off; k < off + affineSpan; k++) dxhat[k] = gamma * dy[k];
          }
        }
      }
      float[] g = pass.grads;
      int b0 = paramOffset + affineChannels;
      for (int a = 0; a < affineChannels; a++) {
        g[g0 + a] += (float) dGamma[a];
        g[b0 + a] += (float) dBeta[a];
      }
    }
    if (!needInputGrad) return null;
    // dxhat may alias dx (affine case): each block reads its sums before it overwrites.
    float[] dx = gradInputBuffer(batch);
    for (int b = 0; b < batch * groups; b++) {
      int off = b * groupSize;
      double s = 0;
      double sx = 0;
      for (int k = off; k < off + groupSize; k++) {
        s += dxhat[k];
        sx += (double) dxhat[k] * xhat[k];
      }
      float mean = (float) (s / groupSize);
      float meanX = (float) (sx / groupSize);
      float inv = invStd[b];
      for (int k = off; k < off + groupSize; k++) dx[k] = inv * (dxhat[k] - mean - xhat[k] * meanX);
    }
    return dx;
  }
}
