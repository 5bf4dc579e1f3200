package dev.dptrain.worker;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Examples;
import dev.dptrain.worker.data.Example;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * One cached partition of a data set: its examples packed in float chunks (one {@link Dataset}
 * each, at most {@link #CHUNK_FLOATS} features), not one object per row, plus the partition's
 * index. Chunks keep any single array far below Java's 2^31 limit and let the packer grow without
 * copying a whole partition. Built once per run on the executor that holds it; each step reads
 * only its slice.
 */
public final class PackedPartition implements Examples, Serializable {
  private static final long serialVersionUID = 2L;
  /** Feature floats per chunk: 64 MB. */
  public static final int CHUNK_FLOATS = 1 << 24;

  private final int index;
  private final Shape shape;
  private final int labelWidth;
  /** Examples per chunk (all chunks but the last are full). */
  private final int chunkSize;
  private final Dataset[] chunks;
  private final int size;

  public PackedPartition(int index, Dataset data) {
    this(index, data.shape(), data.labelWidth(), Math.max(1, data.size()), new Dataset[] {data});
  }

  private PackedPartition(int index, Shape shape, int labelWidth, int chunkSize, Dataset[] chunks) {
    this.index = index;
    this.shape = shape;
    this.labelWidth = labelWidth;
    this.chunkSize = chunkSize;
    this.chunks = chunks;
    int n = 0;
    for (Dataset c : chunks) n = Math.addExact(n, c.size());
    this.size = n;
  }

  /**
   * Packs examples (already in their final order) into partition {@code index}; keeps at most
   * {@code limit} of them when {@code limit >= 0}.
   */
  public static PackedPartition pack(int index, Shape shape, Iterator<Example> examples, long limit) {
    return pack(index, shape, examples, limit, CHUNK_FLOATS);
  }

  /** As {@link #pack(int, Shape, Iterator, long)}, with chunks of at most {@code chunkFloats} features. */
  static PackedPartition pack(int index, Shape shape, Iterator<Example> examples, long limit, int chunkFloats) {
    int d = shape.size();
    int cap = Math.max(1, chunkFloats / d);
    List<Dataset> chunks = new ArrayList<>();
    float[] x = new float[0];
    float[] y = new float[0];
    int n = 0;
    long total = 0;
    while (examples.hasNext() && (limit < 0 || total < limit)) {
      Example e = examples.next();
      if (e.features().length != d) {
        throw new IllegalArgumentException("an example of " + e.features().length + " features in a partition of "
            + d + "-feature examples");
      }
      if (n == cap) {
        chunks.add(new Dataset(shape, 1, x, y));
        x = new float[0];
        y = new float[0];
        n = 0;
      }
      if (n == y.length) {
        int grown = (int) Math.min(cap, Math.max(16L, 2L * y.length));
        x = Arrays.copyOf(x, grown * d);
        y = Arrays.copyOf(y, grown);
      }
      System.arraycopy(e.features(), 0, x, n * d, d);
      y[n++] = e.label();
      total++;
    }
    if (n > 0 || chunks.isEmpty()) chunks.add(new Dataset(shape, 1, Arrays.copyOf(x, n * d), Arrays.copyOf(y, n)));
    return new PackedPartition(index, shape, 1, cap, chunks.toArray(new Dataset[0]));
  }

  public int index() {
    return index;
  }

  @Override
  public Shape shape() {
    return shape;
  }

  @Override
  public int labelWidth() {
    return labelWidth;
  }

  @Override
  public int size() {
    return size;
  }

  /** The packed chunks, in order: example i is example {@code i % chunkSize} of chunk {@code i / chunkSize}. */
  public List<Dataset> chunks() {
    return List.of(chunks);
  }

  @Override
  public void gather(int[] idx, int from, int n, float[] xb, float[] yb) {
    int d = shape.size();
    for (int i = 0; i < n; i++) {
      int e = idx[from + i];
      Dataset c = chunks[e / chunkSize];
      int k = e % chunkSize;
      System.arraycopy(c.features(), k * d, xb, i * d, d);
      System.arraycopy(c.labels(), k * labelWidth, yb, i * labelWidth, labelWidth);
    }
  }

  @Override
  public void copy(int from, int n, float[] xb, float[] yb) {
    int d = shape.size();
    for (int done = 0; done < n; ) {
      int e = from + done;
      Dataset c = chunks[e / chunkSize];
      int k = e % chunkSize;
      int m = Math.min(n - done, c.size() - k);
      System.arraycopy(c.features(), k * d, xb, done * d, m * d);
      System.arraycopy(c.labels(), k * labelWidth, yb, done * labelWidth, m * labelWidth);
      done += m;
    }
  }
}
