package dev.dptrain.model.data;

import dev.dptrain.model.Shape;

/**
 * Examples packed in two flat arrays: features (n x shape.size(), CHW per example) and labels
 * (n x labelWidth). Packed arrays, not one object per example, are what keeps copying,
 * caching and serialising cheap.
 */
public record Dataset(Shape shape, int labelWidth, float[] features, float[] labels)
    implements Examples, java.io.Serializable {
  public Dataset {
    if (labelWidth <= 0) throw new IllegalArgumentException("labelWidth must be positive");
    if (features.length % shape.size() != 0) {
      throw new IllegalArgumentException(features.length + " feature floats are not a multiple of "
          + "the example size " + shape.size());
    }
    if (labels.length != (long) features.length / shape.size() * labelWidth) {
      throw new IllegalArgumentException("features hold " + features.length / shape.size()
          + " examples but labels hold " + labels.length / labelWidth);
    }
  }

  @Override
  public int size() {
    return features.length / shape.size();
  }

  @Override
  public void gather(int[] idx, int from, int n, float[] xb, float[] yb) {
    int d = shape.size();
    for (int i = 0; i < n; i++) {
      int e = idx[from + i];
      System.arraycopy(features, e * d, xb, i * d, d);
      System.arraycopy(labels, e * labelWidth, yb, i * labelWidth, labelWidth);
    }
  }

  @Override
  public void copy(int from, int n, float[] xb, float[] yb) {
    System.arraycopy(features, from * shape.size(), xb, 0, n * shape.size());
    System.arraycopy(labels, from * labelWidth, yb, 0, n * labelWidth);
  }

  /** The examples [from, from+n) as a new dataset. */
  public Dataset slice(int from, int n) {
    int d = shape.size();
    float[] x = java.util.Arrays.copyOfRange(features, from * d, (from + n) * d);
    float[] y = java.util.Arrays.copyOfRange(labels, from * labelWidth, (from + n) * labelWidth);
    return new Dataset(shape, labelWidth, x, y);
  }
}
