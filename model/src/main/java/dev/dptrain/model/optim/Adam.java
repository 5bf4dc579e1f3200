package dev.dptrain.model.optim;

/**
 * Adam (Kingma &amp; Ba, 2015) and AdamW (Loshchilov &amp; Hutter, 2019):
 * m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²; p ← p - η m̂ / (√v̂ + ε) with bias-corrected m̂, v̂.
 * AdamW ({@code weightDecay > 0}) first shrinks p ← p (1 - η λ) instead of adding λp to g.
 * State: m then v, 2 x paramCount floats.
 */
public record Adam(double beta1, double beta2, double eps, double weightDecay) implements Optimizer {
  public Adam {
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("adam: beta1 must be in [0, 1), got " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("adam: beta2 must be in [0, 1), got " + beta2);
    if (!(eps > 0)) throw new IllegalArgumentException("adam: eps must be positive, got " + eps);
    if (!(weightDecay >= 0)) {
      throw new IllegalArgumentException("adamw: weight decay must be >= 0, got " + weightDecay);
    }
  }

  @Override
  public int stateSize(int paramCount) {
    return 2 * paramCount;
  }

  @Override
  public void step(float[] p, float[] g, float[] s, double lr, long t) {
    int n = p.length;
    float b1 = (float) beta1;
    float b2 = (float) beta2;
    // 1-β in double, as PyTorch does: 1 - (float) 0.999 is off by 1.3e-5 relative, which the
    // bias correction (computed from the double β) would not cancel.
    float ob1 = (float) (1 - beta1);
    float ob2 = (float) (1 - beta2);
    double c1 = 1 - Math.pow(beta1, t);
    double c2 = 1 - Math.pow(beta2, t);
    float stepSize = (float) (lr / c1);
    float invSqrtC2 = (float) (1 / Math.sqrt(c2));
    float e = (float) eps;
    float shrink = (float) (1 - lr * weightDecay);
    for (int i = 0; i < n; i++) {
      float m = b1 * s[i] + ob1 * g[i];
      float v = b2 * s[n + i] + ob2 * g[i] * g[i];
      s[i] = m;
      s[n + i] = v;
      p[i] = p[i] * shrink - stepSize * m / ((float) Math.sqrt(v) * invSqrtC2 + e);
    }
  }

  @Override
  public boolean decoupledWeightDecay() {
    return weightDecay > 0;
  }

  @Override
  public String describe() {
    return (weightDecay > 0 ? "adamw" : "adam") + "(β1 " + beta1 + ", β2 " + beta2 + ", ε " + eps
        + (weightDecay > 0 ? ", weight decay " + weightDecay : "") + ")";
  }
}
