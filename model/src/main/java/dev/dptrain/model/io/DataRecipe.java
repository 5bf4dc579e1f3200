package dev.dptrain.model.io;

import dev.dptrain.model.data.LabelValues;
import java.io.Serializable;

/**
 * How the model's training data was read and its labels turned into training targets, stored
 * with the model so that {@code evaluate} and {@code predict} read new data the same way unless
 * told otherwise, and {@code predict} writes labels as the file had them.
 *
 * @param format         {@code idx}, {@code libsvm}, {@code csv} or {@code parquet}; null when not
 *                       recorded (models saved before format version 3)
 * @param labelColumn    CSV: 0-based index or header name; Parquet: column name; null = none
 * @param featuresColumn Parquet only; null otherwise
 * @param labels         the file's label values in class order (empty: labels are class indices)
 * @param targetMean     regression targets were trained as (y − targetMean) / targetStd; 0 and 1
 *                       when not standardised
 */
public record DataRecipe(String format, boolean header, char delimiter, String labelColumn, String featuresColumn,
                         LabelValues labels, float targetMean, float targetStd) implements Serializable {
  /** Nothing recorded: the reader's own defaults apply, labels are class indices, targets as read. */
  public static final DataRecipe UNKNOWN = new DataRecipe(null, false, ',', null, null, LabelValues.INDICES, 0f, 1f);

  public DataRecipe {
    if (labels == null) labels = LabelValues.INDICES;
    if (!(targetStd > 0) || !Float.isFinite(targetStd) || !Float.isFinite(targetMean)) {
      throw new IllegalArgumentException("target standardisation needs a finite mean and a std > 0, got "
          + targetMean + ", " + targetStd);
    }
  }

  /** Whether regression targets were standardised for training. */
  public boolean scalesTarget() {
    return targetMean != 0f || targetStd != 1f;
  }

  /** A target in training units back in the file's units. */
  public double target(double trained) {
    return trained * targetStd + targetMean;
  }
}
