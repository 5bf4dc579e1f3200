package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Batch normalisation (Ioffe &amp; Szegedy, 2015), per feature for dense inputs (BatchNorm1d) and
 * per channel over batch, height and width for images (BatchNorm2d):
 *
 * <pre>  y = γ (x - E[x]) / √(Var[x] + ε) + β  </pre>
 *
 * Training normalises with the batch mean and biased batch variance and exposes them
 * ({@link BatchStatsLayer}); inference uses the running mean/variance. Parameters: γ (C, init 1),
 * β (C, init 0). State: running mean (C, init 0), running variance (C, init 1).
 */
public final class BatchNorm extends AbstractLayer implements BatchStatsLayer {
  private final int channels;
  private final int spatial;
  private final float eps;
  private final double momentum;
  // Saved by the training forward for backward and for the statistics.
  private float[] xhat = new float[0];
  private final float[] invStd;
  private final double[] mean;
  private final double[] m2;
  // Backward scratch, per channel.
  private final double[] dGamma;
  private final double[] dBeta;
  private final float[] scale;
  private final float[] sumDy;
  private final float[] sumDyXhat;
  private long count;
  /**
   * Whether the last forward was a training forward: backward needs its x̂ and batch statistics.
   * An inference forward clears it, so a backward after it is refused instead of silently using
   * the statistics of an older training batch (or indexing an empty x̂).
   */
  private boolean trainingForwardDone;

  public BatchNorm(Shape in, double eps, double momentum) {
    super(in, in);
    if (!(eps > 0)) throw new IllegalArgumentException("batchnorm: eps must be positive, got " + eps);
    if (!(momentum > 0 && momentum <= 1)) {
      throw new IllegalArgumentException("batchnorm: momentum must be in (0, 1], got " + momentum);
    }
    this.channels = in.channels();
    this.spatial = in.spatial();
    this.eps = (float) eps;
    this.momentum = momentum;
    this.invStd = new float[channels];
    this.mean = new double[channels];
    this.m2 = new double[channels];
    this.dGamma = new double[channels];
    this.dBeta = new double[channels];
    this.scale = new float[channels];
    this.sumDy = new float[channels];
    this.sumDyXhat = new float[channels];
  }

  @Override
  public int paramCount() {
    return 2 * channels;
  }

  @Override
  public int stateCount() {
    return 2 * channels;
  }

  @Override
  public void initParams(float[] params, Rng rng) {
    java.util.Arrays.fill(params, paramOffset, paramOffset + channels, 1f);
    java.util.Arrays.fill(params, paramOffset + channels, paramOffset + 2 * channels, 0f);
  }

  @Override
  public void initState(float[] state) {
    java.util.Arrays.fill(state, stateOffset, stateOffset + channels, 0f);
    java.util.Arrays.fill(state, stateOffset + channels, stateOffset + 2 * channels, 1f);
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    float[] y = outputBuffer(batch);
    float[] p = pass.params;
    int g0 = paramOffset;
    int b0 = paramOffset + channels;
    if (!pass.training) {
      trainingForwardDone = false;
      float[] s = pass.state;
      for (int c = 0; c < channels; c++) {
        float inv = (float) (1 / Math.sqrt(s[stateOffset + channels + c] + eps));
        float scale = p[g0 + c] * inv;
        float shift = p[b0 + c] - s[stateOffset + c] * scale;
        for (int i = 0; i < batch; i++) {
          int off = (i * channels + c) * spatial;
          for (int k = off; k < off + spatial; k++) y[k] = x[k] * scale + shift;
        }
      }
      return y;
    }
    xhat = ensure(xhat, batch * channels * spatial);
    count = (long) batch * spatial;
    trainingForwardDone = true;
    if (spatial == 1) {
      trainingForwardDense(x, y, p, batch);
      return y;
    }
    for (int c = 0; c < channels; c++) {
      // Four independent double accumulators per plane: one serial chain costs an add latency
      // (4 cycles) per value.
      double sum = 0;
      for (int i = 0; i < batch; i++) sum += planeSum(x, (i * channels + c) * spatial, spatial);
      double mu = sum / count;
      double ss = 0;
      for (int i = 0; i < batch; i++) ss += planeSquaredDeviations(x, (i * channels + c) * spatial, spatial, mu);
      mean[c] = mu;
      m2[c] = ss;
      float inv = (float) (1 / Math.sqrt(ss / count + eps));
      invStd[c] = inv;
      float muf = (float) mu;
      float gamma = p[g0 + c];
      float beta = p[b0 + c];
      for (int i = 0; i < batch; i++) {
        int off = (i * channels + c) * spatial;
        for (int k = off; k < off + spatial; k++) {
          float h = (x[k] - muf) * inv;
          xhat[k] = h;
          y[k] = gamma * h + beta;
        }
      }
    }
    return y;
  }

  private static double planeSum(float[] a, int off, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = off;
    int end = off + n;
    for (; k + 3 < end; k += 4) {
      s0 += a[k];
      s1 += a[k + 1];
      s2 += a[k + 2];
      s3 += a[k + 3];
    }
    for (; k < end; k++) s0 += a[k];
    return (s0 + s1) + (s2 + s3);
  }

  private static double planeSquaredDeviations(float[] a, int off, int n, double mu) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = off;
    int end = off + n;
    for (; k + 3 < end; k += 4) {
      double d0 = a[k] - mu, d1 = a[k + 1] - mu, d2 = a[k + 2] - mu, d3 = a[k + 3] - mu;
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
    }
    for (; k < end; k++) {
      double d = a[k] - mu;
      s0 += d * d;
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static double planeDot(float[] a, float[] b, int off, int n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int k = off;
    int end = off + n;
    for (; k + 3 < end; k += 4) {
      s0 += a[k] * b[k];
      s1 += a[k + 1] * b[k + 1];
      s2 += a[k + 2] * b[k + 2];
      s3 += a[k + 3] * b[k + 3];
    }
    for (; k < end; k++) s0 += a[k] * b[k];
    return (s0 + s1) + (s2 + s3);
  }

  /** Dense layout (batch x C): row-wise loops over contiguous features, friendlier to the JIT. */
  private void trainingForwardDense(float[] x, float[] y, float[] p, int batch) {
    int c = channels;
    java.util.Arrays.fill(mean, 0);
    java.util.Arrays.fill(m2, 0);
    for (int i = 0; i < batch; i++) {
      int r = i * c;
      for (int j = 0; j < c; j++) mean[j] += x[r + j];
    }
    for (int j = 0; j < c; j++) mean[j] /= batch;
    for (int i = 0; i < batch; i++) {
      int r = i * c;
      for (int j = 0; j < c; j++) {
        double d = x[r + j] - mean[j];
        m2[j] += d * d;
      }
    }
    float[] mu = new float[c];
    for (int j = 0; j < c; j++) {
      invStd[j] = (float) (1 / Math.sqrt(m2[j] / batch + eps));
      mu[j] = (float) mean[j];
    }
    int g0 = paramOffset;
    int b0 = paramOffset + c;
    for (int i = 0; i < batch; i++) {
      int r = i * c;
      for (int j = 0; j < c; j++) {
        float h = (x[r + j] - mu[j]) * invStd[j];
        xhat[r + j] = h;
        y[r + j] = p[g0 + j] * h + p[b0 + j];
      }
    }
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!trainingForwardDone) {
      throw new IllegalStateException(describe() + ": backward needs a training-mode forward first; the last forward"
          + " was in inference mode (running statistics) or there was none");
    }
    if ((long) batch * spatial != count) {
      throw new IllegalStateException(describe() + ": backward over " + batch + " examples, the training forward had "
          + count / spatial);
    }
    float[] g = pass.grads;
    float[] p = pass.params;
    int g0 = paramOffset;
    int b0 = paramOffset + channels;
    java.util.Arrays.fill(dGamma, 0);
    java.util.Arrays.fill(dBeta, 0);
    if (spatial == 1) {
      // Dense layout (batch x C): walk rows so every access is contiguous.
      for (int i = 0; i < batch; i++) {
        int r = i * channels;
        for (int c = 0; c < channels; c++) {
          float d = dy[r + c];
          dGamma[c] += d * xhat[r + c];
          dBeta[c] += d;
        }
      }
    } else {
      for (int i = 0; i < batch; i++) {
        for (int c = 0; c < channels; c++) {
          int off = (i * channels + c) * spatial;
          dGamma[c] += planeDot(dy, xhat, off, spatial);
          dBeta[c] += planeSum(dy, off, spatial);
        }
      }
    }
    for (int c = 0; c < channels; c++) {
      g[g0 + c] += (float) dGamma[c];
      g[b0 + c] += (float) dBeta[c];
    }
    if (!needInputGrad) return null;
    float[] dx = gradInputBuffer(batch);
    // dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂)), M = batch·spatial
    float m = (float) count;
    for (int c = 0; c < channels; c++) {
      scale[c] = p[g0 + c] * invStd[c] / m;
      sumDy[c] = (float) dBeta[c];
      sumDyXhat[c] = (float) dGamma[c];
    }
    if (spatial == 1) {
      for (int i = 0; i < batch; i++) {
        int r = i * channels;
        for (int c = 0; c < channels; c++) {
          dx[r + c] = scale[c] * (m * dy[r + c] - sumDy[c] - xhat[r + c] * sumDyXhat[c]);
        }
      }
      return dx;
    }
    for (int c = 0; c < channels; c++) {
      float k1 = scale[c];
      float sb = sumDy[c];
      float sg = sumDyXhat[c];
      for (int i = 0; i < batch; i++) {
        int off = (i * channels + c) * spatial;
        for (int k = off; k < off + spatial; k++) dx[k] = k1 * (m * dy[k] - sb - xhat[k] * sg);
      }
    }
    return dx;
  }

  @Override
  public int statsChannels() {
    return channels;
  }

  @Override
  public void writeBatchStats(double[] dst, int off) {
    dst[off] = channels;
    dst[off + 1] = count;
    System.arraycopy(mean, 0, dst, off + 2, channels);
    System.arraycopy(m2, 0, dst, off + 2 + channels, channels);
  }

  @Override
  public void updateRunningStats(float[] state, double[] pooled, int off) {
    double n = pooled[off + 1];
    if (n <= 0) return;
    for (int c = 0; c < channels; c++) {
      double unbiased = n > 1 ? pooled[off + 2 + channels + c] / (n - 1) : 0;
      int mi = stateOffset + c;
      int vi = stateOffset + channels + c;
      state[mi] = (float) ((1 - momentum) * state[mi] + momentum * pooled[off + 2 + c]);
      state[vi] = (float) ((1 - momentum) * state[vi] + momentum * unbiased);
    }
  }

  @Override
  public void setRunningStats(float[] state, double[] pooled, int off) {
    double n = pooled[off + 1];
    if (n <= 1) return;
    for (int c = 0; c < channels; c++) {
      state[stateOffset + c] = (float) pooled[off + 2 + c];
      state[stateOffset + channels + c] = (float) (pooled[off + 2 + channels + c] / (n - 1));
    }
  }

  @Override
  public String describe() {
    return (spatial == 1 ? "batchnorm1d(" : "batchnorm2d(") + channels + ")";
  }
}
