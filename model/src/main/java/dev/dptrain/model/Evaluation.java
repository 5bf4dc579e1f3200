package dev.dptrain.model;

import java.io.Serializable;
import java.util.Locale;

/** Loss and accuracy sums over a data set; mergeable across partitions. */
public final class Evaluation implements Serializable {
  private static final long serialVersionUID = 1L;

  public double lossSum;
  public long count;
  public long correct;
  /** False once any part came from a loss without accuracy (regression). */
  public boolean hasAccuracy = true;

  public Evaluation merge(Evaluation o) {
    lossSum += o.lossSum;
    count += o.count;
    correct += o.correct;
    hasAccuracy &= o.hasAccuracy;
    return this;
  }

  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  public double accuracy() {
    return count == 0 || !hasAccuracy ? Double.NaN : (double) correct / count;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "loss %.4f, accuracy %.4f (%d examples)", meanLoss(), accuracy(), count);
  }
}
