package dev.dptrain.worker.data;

import java.io.Serializable;

/**
 * What a label must be: a class index in [0, classes) when {@code classes > 0}, any finite
 * number for regression ({@code classes == 0}), or nothing at all for prediction input
 * ({@code required == false}: labels are read if present and ignored).
 */
public record LabelRule(int classes, boolean required) implements Serializable {
  public static final LabelRule IGNORED = new LabelRule(0, false);

  public static LabelRule classes(int classes) {
    return new LabelRule(classes, true);
  }

  /** Throws an error naming {@code where} when the label breaks the rule. */
  public void check(double label, String where) {
    if (!required) return;
    if (!Double.isFinite(label)) throw new DataFormatException(where + ": label is " + label + ", expected a finite number");
    if (classes > 0 && (label != Math.rint(label) || label < 0 || label >= classes)) {
      throw new DataFormatException(where + ": label " + label + " is not a class index in [0, " + classes + ")");
    }
  }
}
