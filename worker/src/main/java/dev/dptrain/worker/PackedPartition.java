package dev.dptrain.worker;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Examples;
import dev.dptrain.model.data.Moments;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.PackedPixels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * One cached partition of a data set: its examples packed in chunks, not one object per row, plus
 * the partition's index. Chunks keep any single array far below Java's 2^31 limit and let the
 * packer grow without copying a whole partition.
 *
 * <p>Two storages, chosen by the first example: float features (one {@link Dataset} per chunk,
 * standardised in place once), or 8-bit pixels (IDX images: a quarter of the memory), converted
 * and standardised per batch as they are read, with exactly the float operations the float storage
 * applies once, so both give bit-identical batches. Measured with
 * {@code bench/kernels InputStorageBench}: converting a batch costs well under 1% of an MLP step.
 */
public final class PackedPartition implements Examples, Serializable {
  private static final long serialVersionUID = 3L;
  /** Values per chunk: 2^24 (64 MB of floats, 16 MB of pixels). */
  public static final int CHUNK_VALUES = 1 << 24;

  private final int index;
  private final Shape shape;
  private final int labelWidth;
  /** Examples per chunk (all chunks but the last are full). */
  private final int chunkSize;
  /** Float storage: features and labels per chunk; null with pixel storage. */
  private final Dataset[] chunks;
  /** Pixel storage: pixels and labels per chunk; null with float storage. */
  private final byte[][] pixels;
  private final float[][] pixelLabels;
  private final int size;
  /** Pixel storage: the standardisation applied to every batch read (see {@link #standardize}). */
  private Standardizer transform = Standardizer.NONE;
  /** The std the labels were divided by in {@link #standardizeTargets}; 1 = as read. */
  private double targetScale = 1;

  public PackedPartition(int index, Dataset data) {
    this(index, data.shape(), data.labelWidth(), Math.max(1, data.size()), new Dataset[] {data}, null, null);
  }

  private PackedPartition(int index, Shape shape, int labelWidth, int chunkSize, Dataset[] chunks, byte[][] pixels,
                          float[][] pixelLabels) {
    this.index = index;
    this.shape = shape;
    this.labelWidth = labelWidth;
    this.chunkSize = chunkSize;
    this.chunks = chunks;
    this.pixels = pixels;
    this.pixelLabels = pixelLabels;
    int n = 0;
    if (chunks != null) for (Dataset c : chunks) n = Math.addExact(n, c.size());
    if (pixelLabels != null) for (float[] y : pixelLabels) n = Math.addExact(n, y.length);
    this.size = n;
  }

  /**
   * Packs examples (already in their final order) into partition {@code index}; keeps at most
   * {@code limit} of them when {@code limit >= 0}.
   */
  public static PackedPartition pack(int index, Shape shape, Iterator<Example> examples, long limit) {
    return pack(index, shape, examples, limit, CHUNK_VALUES);
  }

  /** As {@link #pack(int, Shape, Iterator, long)}, with chunks of at most {@code chunkValues} features. */
  static PackedPartition pack(int index, Shape shape, Iterator<Example> examples, long limit, int chunkValues) {
    int d = shape.size();
    int cap = Math.max(1, chunkValues / d);
    List<Object> xs = new ArrayList<>();
    List<float[]> ys = new ArrayList<>();
    Object x = null;
    float[] y = new float[0];
    int n = 0;
    long total = 0;
    boolean bytes = false;
    while (examples.hasNext() && (limit < 0 || total < limit)) {
      Example e = examples.next();
      if (e.size() != d) {
        throw new IllegalArgumentException("an example of " + e.size() + " features in a partition of "
            + d + "-feature examples");
      }
      if (x == null) {
        bytes = e.pixels() != null;
        x = bytes ? new byte[0] : new float[0];
      } else if (bytes != (e.pixels() != null)) {
        throw new IllegalArgumentException("pixel and float examples in one partition");
      }
      if (n == cap) {
        xs.add(x);
        ys.add(y);
        x = bytes ? new byte[0] : new float[0];
        y = new float[0];
        n = 0;
      }
      if (n == y.length) {
        int grown = (int) Math.min(cap, Math.max(16L, 2L * y.length));
        x = bytes ? Arrays.copyOf((byte[]) x, grown * d) : Arrays.copyOf((float[]) x, grown * d);
        y = Arrays.copyOf(y, grown);
      }
      if (bytes) System.arraycopy(e.pixels(), 0, (byte[]) x, n * d, d);
      else System.arraycopy(e.features(), 0, (float[]) x, n * d, d);
      y[n++] = e.label();
      total++;
    }
    // The last chunk, trimmed: it holds at least one example, or is the one empty chunk of an empty partition.
    xs.add(x == null ? new float[0] : bytes ? Arrays.copyOf((byte[]) x, n * d) : Arrays.copyOf((float[]) x, n * d));
    ys.add(Arrays.copyOf(y, n));
    if (bytes) {
      return new PackedPartition(index, shape, 1, cap, null, xs.toArray(new byte[0][]), ys.toArray(new float[0][]));
    }
    Dataset[] ds = new Dataset[xs.size()];
    for (int i = 0; i < ds.length; i++) ds[i] = new Dataset(shape, 1, (float[]) xs.get(i), ys.get(i));
    return new PackedPartition(index, shape, 1, cap, ds, null, null);
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

  /** How many chunks hold the examples (each at most {@code chunkValues / d} examples, see {@link #pack}). */
  int chunkCount() {
    return pixels != null ? pixels.length : chunks.length;
  }

  /** Whether the examples are stored as 8-bit pixels. */
  public boolean pixels() {
    return pixels != null;
  }

  /**
   * Per-chunk central moments of the features as the network sees them (see {@link Moments#of}),
   * merged in chunk order; null for an empty partition.
   */
  public double[] moments(boolean perChannel) {
    double[] m = null;
    for (int c = 0; c < chunkCount(); c++) {
      int n = pixels != null ? pixelLabels[c].length : chunks[c].size();
      if (n == 0) continue;
      float[] x;
      if (pixels != null) {
        x = new float[n * shape.size()];
        PackedPixels.convert(pixels[c], 0, x.length, x, 0);
      } else {
        x = chunks[c].features();
      }
      double[] mc = Moments.of(x, n, shape, perChannel);
      m = m == null ? mc : Moments.merge(m, mc);
    }
    return m;
  }

  /** Mean and M2 of all label values (one group, see {@link Moments#of}); null for an empty partition. */
  public double[] labelMoments() {
    double[] m = null;
    for (int c = 0; c < chunkCount(); c++) {
      float[] y = pixels != null ? pixelLabels[c] : chunks[c].labels();
      int n = pixels != null ? y.length : chunks[c].size() * labelWidth;
      if (n == 0) continue;
      double[] mc = Moments.of(y, n, Shape.vector(1), false);
      m = m == null ? mc : Moments.merge(m, mc);
    }
    return m;
  }

  /** Regression targets y become (y − mean) / std, in place (data.standardize-target). Returns this partition. */
  public PackedPartition standardizeTargets(float mean, float std) {
    for (int c = 0; c < chunkCount(); c++) {
      float[] y = pixels != null ? pixelLabels[c] : chunks[c].labels();
      int n = pixels != null ? y.length : chunks[c].size() * labelWidth;
      for (int i = 0; i < n; i++) y[i] = (y[i] - mean) / std;
    }
    targetScale = std;
    return this;
  }

  @Override
  public double targetScale() {
    return targetScale;
  }

  /**
   * The same examples (storage shared, not copied) as partition {@code newIndex}: a subset of the
   * partitions, re-numbered 0..n-1, is training data again (k-fold cross-validation).
   */
  public PackedPartition withIndex(int newIndex) {
    PackedPartition p = new PackedPartition(newIndex, shape, labelWidth, chunkSize, chunks, pixels, pixelLabels);
    p.transform = transform;
    return p;
  }

  /**
   * Applies the standardisation: in place to float storage, or as the transform of every batch
   * read from pixel storage. Returns this partition.
   */
  public PackedPartition standardize(Standardizer st) {
    if (pixels != null) {
      transform = st;
    } else {
      for (Dataset c : chunks) st.apply(c.features(), c.size(), shape);
    }
    return this;
  }

  @Override
  public void gather(int[] idx, int from, int n, float[] xb, float[] yb) {
    int d = shape.size();
    for (int i = 0; i < n; i++) {
      int e = idx[from + i];
      int c = e / chunkSize;
      int k = e % chunkSize;
      if (pixels != null) {
        PackedPixels.convert(pixels[c], k * d, d, xb, i * d);
        yb[i] = pixelLabels[c][k];
      } else {
        System.arraycopy(chunks[c].features(), k * d, xb, i * d, d);
        System.arraycopy(chunks[c].labels(), k * labelWidth, yb, i * labelWidth, labelWidth);
      }
    }
    if (pixels != null) transform.apply(xb, n, shape);
  }

  @Override
  public void copy(int from, int n, float[] xb, float[] yb) {
    int d = shape.size();
    for (int done = 0; done < n; ) {
      int e = from + done;
      int c = e / chunkSize;
      int k = e % chunkSize;
      int chunkLength = pixels != null ? pixelLabels[c].length : chunks[c].size();
      int m = Math.min(n - done, chunkLength - k);
      if (pixels != null) {
        PackedPixels.convert(pixels[c], k * d, m * d, xb, done * d);
        System.arraycopy(pixelLabels[c], k, yb, done, m);
      } else {
        System.arraycopy(chunks[c].features(), k * d, xb, done * d, m * d);
        System.arraycopy(chunks[c].labels(), k * labelWidth, yb, done * labelWidth, m * labelWidth);
      }
      done += m;
    }
    if (pixels != null) transform.apply(xb, n, shape);
  }
}
