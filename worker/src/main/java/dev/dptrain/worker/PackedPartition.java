package dev.dptrain.worker;

import dev.dptrain.model.data.Dataset;
import java.io.Serializable;

/**
 * One cached partition of a data set: its examples packed in two float arrays (a
 * {@link Dataset}), not one object per row, plus its index. Built once per run and cached by
 * Spark; each step reads only its slice.
 */
public final class PackedPartition implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int index;
  private final Dataset data;

  public PackedPartition(int index, Dataset data) {
    this.index = index;
    this.data = data;
  }

  public int index() {
    return index;
  }

  public Dataset data() {
    return data;
  }

  public int size() {
    return data.size();
  }
}
