package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Inverted dropout: in training each element is kept with probability 1-p and scaled by 1/(1-p),
 * so the expected activation is unchanged and inference is the identity. The mask comes from the
 * pass seed and this layer's index: the same batch seed gives the same mask, also in a retried task.
 */
public final class Dropout extends AbstractLayer {
  private final float rate;
  private float[] mask = new float[0];

  public Dropout(Shape in, double rate) {
    super(in, in);
    if (!(rate >= 0 && rate < 1)) {
      throw new IllegalArgumentException("dropout: rate must be in [0, 1), got " + rate);
    }
    this.rate = (float) rate;
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    if (!pass.training || rate == 0) return x;
    int n = batch * in.size();
    float[] y = outputBuffer(batch);
    mask = ensure(mask, n);
    Rng rng = pass.rng(index);
    float keep = 1 / (1 - rate);
    for (int i = 0; i < n; i++) {
      mask[i] = rng.nextFloat() >= rate ? keep : 0f;
      y[i] = x[i] * mask[i];
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    if (rate == 0) return dy;
    int n = batch * in.size();
    float[] dx = gradInputBuffer(batch);
    for (int i = 0; i < n; i++) dx[i] = dy[i] * mask[i];
    return dx;
  }

  @Override
  public String describe() {
    return "dropout(" + rate + ")";
  }
}
