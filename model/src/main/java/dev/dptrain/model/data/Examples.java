package dev.dptrain.model.data;

import dev.dptrain.model.Shape;

/**
 * Packed examples a trainer reads batches from: one in-memory {@link Dataset}, or a cached Spark
 * partition made of several packed chunks. Batches are copied out into caller-given buffers, so
 * the storage can be split however its size requires.
 */
public interface Examples {
  Shape shape();

  int labelWidth();

  int size();

  /** Copies the examples idx[from..from+n) into the front of xb and yb. */
  void gather(int[] idx, int from, int n, float[] xb, float[] yb);

  /** Copies the examples [from, from+n) into the front of xb and yb. */
  void copy(int from, int n, float[] xb, float[] yb);

  /** The std the regression targets were divided by (data.standardize-target); 1 = not scaled. */
  default double targetScale() {
    return 1;
  }
}
