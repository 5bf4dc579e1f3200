package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;
import java.util.Locale;

/**
 * Element-wise activation; the output has the input's shape.
 *
 * <table>
 *   <tr><th>kind</th><th>f(z)</th><th>f'(z)</th></tr>
 *   <tr><td>identity</td><td>z</td><td>1</td></tr>
 *   <tr><td>sigmoid</td><td>1/(1+e^-z)</td><td>f(1-f)</td></tr>
 *   <tr><td>tanh</td><td>(e^z-e^-z)/(e^z+e^-z)</td><td>1-f²</td></tr>
 *   <tr><td>relu</td><td>max(0,z)</td><td>1 if z&gt;0 else 0</td></tr>
 *   <tr><td>leaky_relu(λ)</td><td>z if z&gt;0 else λz</td><td>1 or λ</td></tr>
 *   <tr><td>elu(α)</td><td>z if z&gt;0 else α(e^z-1)</td><td>1 or f+α</td></tr>
 * </table>
 * Derivatives are computed from the saved input z and output f.
 */
public final class Activation extends AbstractLayer {
  public enum Kind { IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, ELU }

  private final Kind kind;
  private final float alpha;
  private float[] input;

  public Activation(Shape in, Kind kind, double alpha) {
    super(in, in);
    this.kind = kind;
    this.alpha = (float) alpha;
    if (kind == Kind.LEAKY_RELU && !(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("leaky_relu: alpha must be in (0, 1), got " + alpha);
    }
    if (kind == Kind.ELU && !(alpha > 0)) {
      throw new IllegalArgumentException("elu: alpha must be positive, got " + alpha);
    }
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    input = x;
    int n = batch * in.size();
    float[] y = outputBuffer(batch);
    float a = alpha;
    switch (kind) {
      case IDENTITY -> System.arraycopy(x, 0, y, 0, n);
      case SIGMOID -> { for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]); }
      case TANH -> { for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]); }
      case RELU -> { for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f); }
      case LEAKY_RELU -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : a * x[i]; }
      case ELU -> { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : (float) (a * Math.expm1(x[i])); }
    }
    return y;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    if (!needInputGrad) return null;
    int n = batch * in.size();
    float[] dx = gradInputBuffer(batch);
    float[] x = input;
    float[] y = output;
    float a = alpha;
    switch (kind) {
      case IDENTITY -> System.arraycopy(dy, 0, dx, 0, n);
      case SIGMOID -> { for (int i = 0; i < n; i++) dx[i] = dy[i] * y[i] * (1 - y[i]); }
      case TANH -> { for (int i = 0; i < n; i++) dx[i] = dy[i] * (1 - y[i] * y[i]); }
      case RELU -> { for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0f; }
      case LEAKY_RELU -> { for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : a * dy[i]; }
      case ELU -> { for (int i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + a); }
    }
    return dx;
  }

  static float sigmoid(float z) {
    // Stable on both tails: never exponentiates a large positive number.
    if (z >= 0) return (float) (1 / (1 + Math.exp(-z)));
    double e = Math.exp(z);
    return (float) (e / (1 + e));
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public String describe() {
    String n = kind.name().toLowerCase(Locale.ROOT);
    return kind == Kind.LEAKY_RELU || kind == Kind.ELU ? n + "(" + alpha + ")" : n;
  }
}
