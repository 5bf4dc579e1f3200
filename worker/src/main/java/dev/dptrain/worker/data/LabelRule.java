package dev.dptrain.worker.data;

import dev.dptrain.model.data.LabelValues;
import java.io.Serializable;

/**
 * What a label must be and how it becomes a training target: a class index in [0, classes) when
 * {@code classes > 0}, any finite number for regression ({@code classes == 0}), or nothing at all
 * for prediction input ({@code required == false}: labels are read if present and ignored). With
 * {@code values} mapped ({@code data.labels}), a label is one of those values (a number or a
 * string) and its target is its position in the list.
 */
public record LabelRule(int classes, boolean required, LabelValues values) implements Serializable {
  public static final LabelRule IGNORED = new LabelRule(0, false, LabelValues.INDICES);

  public LabelRule {
    if (values == null) values = LabelValues.INDICES;
  }

  public LabelRule(int classes, boolean required) {
    this(classes, required, LabelValues.INDICES);
  }

  public static LabelRule classes(int classes) {
    return new LabelRule(classes, true);
  }

  /** The target of a label read as text (a CSV cell, a LibSVM label); {@code where} names it in errors. */
  public float target(String text, String where) {
    if (!required) return 0f;
    if (values.mapped()) return mapped(LabelValues.canonical(text), where);
    double v;
    try {
      v = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new DataFormatException(where + ": label '" + text + "' is not a number"
          + (classes > 0 ? "; set data.labels = auto (or a list of the labels) to map labels to classes" : ""));
    }
    return checkedIndex(v, where);
  }

  /** The target of a label read from a Spark SQL value (a number or a string). */
  public float target(Object value, String where) {
    if (!required) return 0f;
    if (value == null) throw new DataFormatException(where + ": label is null");
    if (value instanceof Number n) {
      double v = n.doubleValue();
      if (!values.mapped()) return checkedIndex(v, where);
      if (!Double.isFinite(v)) throw new DataFormatException(where + ": label is " + v + ", expected a finite number");
      return mapped(LabelValues.canonicalValue(n), where);
    }
    return target(value.toString(), where);
  }

  private float mapped(String label, String where) {
    int k = values.indexOf(label);
    if (k < 0) throw new DataFormatException(where + ": label " + label + " is not one of data.labels " + values);
    return k;
  }

  /** The label as its own target, checked; a class index error says how to map other labels. */
  private float checkedIndex(double v, String where) {
    try {
      check(v, where);
    } catch (DataFormatException e) {
      throw new DataFormatException(e.getMessage() + (classes > 0 && Double.isFinite(v)
          ? "; set data.labels = auto (or list the labels, e.g. [-1, 1]) to map the file's labels to classes" : ""));
    }
    return (float) v;
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
