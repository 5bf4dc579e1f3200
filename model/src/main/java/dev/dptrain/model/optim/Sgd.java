package dev.dptrain.model.optim;

/**
 * Stochastic gradient descent, optionally with momentum (heavy ball) or Nesterov momentum, in
 * PyTorch's formulation: v ← μ v + g; plain: p ← p - η v; Nesterov: p ← p - η (g + μ v).
 * With μ = 0 this is plain SGD and keeps no state.
 */
public record Sgd(double momentum, boolean nesterov) implements Optimizer {
  public Sgd {
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("sgd: momentum must be in [0, 1), got " + momentum);
    }
    if (nesterov && momentum == 0) throw new IllegalArgumentException("sgd: nesterov needs momentum > 0");
  }

  @Override
  public int stateSize(int paramCount) {
    return momentum == 0 ? 0 : paramCount;
  }

  @Override
  public void step(float[] p, float[] g, float[] v, double lr, long t) {
    float eta = (float) lr;
    int n = p.length;
    if (momentum == 0) {
      for (int i = 0; i < n; i++) p[i] -= eta * g[i];
      return;
    }
    float mu = (float) momentum;
    if (nesterov) {
      for (int i = 0; i < n; i++) {
        float vi = mu * v[i] + g[i];
        v[i] = vi;
        p[i] -= eta * (g[i] + mu * vi);
      }
    } else {
      for (int i = 0; i < n; i++) {
        float vi = mu * v[i] + g[i];
        v[i] = vi;
        p[i] -= eta * vi;
      }
    }
  }

  @Override
  public String describe() {
    return momentum == 0 ? "sgd" : "sgd(momentum " + momentum + (nesterov ? ", nesterov" : "") + ")";
  }
}
