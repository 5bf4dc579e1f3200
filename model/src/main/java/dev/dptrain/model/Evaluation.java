package dev.dptrain.model;

import java.io.Serializable;
import java.util.Locale;

/**
 * Loss and accuracy sums over a data set, and for regression (a loss without accuracy) the sums
 * behind MSE, RMSE, MAE and R²; mergeable across partitions.
 *
 * <p>Regression figures are in the units of the file's targets: when the targets were
 * standardised for training ({@code data.standardize-target}), the sums are in standardised units
 * and {@link #targetScale} (the targets' std) converts them back; R² does not change under it.
 */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 2L;

  public double lossSum;
  public long count;
  public long correct;
  /** False once any part came from a loss without accuracy (regression). */
  public boolean hasAccuracy = true;
  /** Regression: target values seen (examples × outputs), Σ(h − y)², Σ|h − y|, and the targets' mean and M2. */
  public long values;
  public double squaredError;
  public double absoluteError;
  public double targetMean;
  public double targetM2;
  /** Std the targets were divided by before training (1 = none). */
  public double targetScale = 1;

  public Evaluation merge(Evaluation o) {
    if (values == 0) targetScale = o.targetScale;
    if (o.values > 0) {
      // Chan et al.: pooled mean and M2 of two parts
      long n = values + o.values;
      double delta = o.targetMean - targetMean;
      targetMean += delta * o.values / n;
      targetM2 += o.targetM2 + delta * delta * values * o.values / n;
      values = n;
    }
    squaredError += o.squaredError;
    absoluteError += o.absoluteError;
    lossSum += o.lossSum;
    count += o.count;
    correct += o.correct;
    hasAccuracy &= o.hasAccuracy;
    return this;
  }

  /** Adds a batch of regression outputs {@code h} and targets {@code y} ({@code n} values each). */
  public void addRegression(float[] h, float[] y, int n) {
    if (n == 0) return;
    Evaluation b = new Evaluation();
    double sum = 0;
    for (int i = 0; i < n; i++) sum += y[i];
    b.targetMean = sum / n;
    for (int i = 0; i < n; i++) {
      double d = (double) h[i] - y[i];
      b.squaredError += d * d;
      b.absoluteError += Math.abs(d);
      double c = y[i] - b.targetMean;
      b.targetM2 += c * c;
    }
    b.values = n;
    b.targetScale = targetScale;
    merge(b);
  }

  /** Whether the regression figures are known (a regression loss was evaluated). */
  public boolean hasRegression() {
    return values > 0;
  }

  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  public double accuracy() {
    return count == 0 || !hasAccuracy ? Double.NaN : (double) correct / count;
  }

  /** Plain mean squared error, mean over examples and outputs of (h − y)², in target units. */
  public double mse() {
    return values == 0 ? Double.NaN : squaredError / values * targetScale * targetScale;
  }

  public double rmse() {
    return Math.sqrt(mse());
  }

  public double mae() {
    return values == 0 ? Double.NaN : absoluteError / values * targetScale;
  }

  /** Coefficient of determination 1 − SS_res / SS_tot (NaN when the targets are constant). */
  public double r2() {
    return values == 0 || targetM2 == 0 ? Double.NaN : 1 - squaredError / targetM2;
  }

  @Override
  public String toString() {
    if (!hasAccuracy && hasRegression()) {
      return String.format(Locale.ROOT, "mse %.6g, rmse %.6g, mae %.6g, r2 %.4f (%d examples)", mse(), rmse(), mae(),
          r2(), count);
    }
    return String.format(Locale.ROOT, "loss %.4f, accuracy %.4f (%d examples)", meanLoss(), accuracy(), count);
  }
}
