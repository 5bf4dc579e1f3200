package dev.dptrain.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.data.Example;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Packing into chunks reads back exactly like one flat data set, across chunk boundaries. */
class PackedPartitionTest {
  private static final Shape SHAPE = Shape.vector(3);

  private static List<Example> examples(int n) {
    List<Example> out = new ArrayList<>();
    for (int i = 0; i < n; i++) out.add(new Example(new float[] {i, 10 * i, -i}, i % 4));
    return out;
  }

  private static Dataset flat(List<Example> ex) {
    float[] x = new float[ex.size() * 3];
    float[] y = new float[ex.size()];
    for (int i = 0; i < ex.size(); i++) {
      System.arraycopy(ex.get(i).features(), 0, x, 3 * i, 3);
      y[i] = ex.get(i).label();
    }
    return new Dataset(SHAPE, 1, x, y);
  }

  @Test
  void chunkedGatherAndCopyEqualTheFlatDataSet() {
    List<Example> ex = examples(23);
    // 7 floats per chunk: 2 examples of 3 features per chunk, 12 chunks, the last one half full.
    PackedPartition p = PackedPartition.pack(5, SHAPE, ex.iterator(), -1, 7);
    assertEquals(12, p.chunkCount(), "no chunk holds more than 7 floats");
    Dataset d = flat(ex);
    assertEquals(5, p.index());
    assertEquals(23, p.size());
    int[] order = {22, 0, 1, 2, 3, 17, 16, 21, 4};
    float[] xa = new float[order.length * 3];
    float[] ya = new float[order.length];
    float[] xb = xa.clone();
    float[] yb = ya.clone();
    p.gather(order, 1, 7, xa, ya);
    d.gather(order, 1, 7, xb, yb);
    assertArrayEquals(xb, xa);
    assertArrayEquals(yb, ya);
    for (int from = 0; from < 23; from++) {
      for (int n = 0; from + n <= 23; n += 5) {
        float[] x1 = new float[69];
        float[] y1 = new float[23];
        float[] x2 = new float[69];
        float[] y2 = new float[23];
        p.copy(from, n, x1, y1);
        d.copy(from, n, x2, y2);
        assertArrayEquals(x2, x1, "copy(" + from + ", " + n + ")");
        assertArrayEquals(y2, y1, "copy(" + from + ", " + n + ")");
      }
    }
  }

  @Test
  void limitKeepsTheFirstExamplesAndEmptyPartitionsWork() {
    PackedPartition p = PackedPartition.pack(0, SHAPE, examples(10).iterator(), 4, 1 << 20);
    assertEquals(4, p.size());
    float[] x = new float[12];
    float[] y = new float[4];
    p.copy(0, 4, x, y);
    assertArrayEquals(new float[] {0, 1, 2, 3}, y);
    PackedPartition empty = PackedPartition.pack(1, SHAPE, List.<Example>of().iterator(), -1);
    assertEquals(0, empty.size());
    assertEquals(null, empty.moments(false));
  }

  /**
   * 8-bit pixel storage reads back exactly what float storage of the converted values does, with
   * the standardisation applied per batch instead of once: bit-identical batches and moments.
   */
  @Test
  void pixelStorageEqualsFloatStorageBitForBit() {
    Shape image = Shape.image(1, 2, 3);
    List<Example> px = new ArrayList<>();
    List<Example> fl = new ArrayList<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
    for (int i = 0; i < 29; i++) {
      byte[] b = new byte[6];
      for (int j = 0; j < 6; j++) b[j] = (byte) rnd.nextInt(256);
      px.add(Example.ofPixels(b, i % 10));
      float[] f = new float[6];
      Example.ofPixels(b, 0).copyTo(f, 0);
      fl.add(new Example(f, i % 10));
    }
    PackedPartition a = PackedPartition.pack(0, image, px.iterator(), -1, 13); // 2 examples per chunk
    PackedPartition b = PackedPartition.pack(0, image, fl.iterator(), -1, 13);
    assertTrue(a.pixels());
    assertTrue(!b.pixels());
    assertArrayEquals(b.moments(true), a.moments(true));
    Standardizer st = Standardizer.fromCentralMoments(
        Standardizer.Mode.STANDARDIZE, true, b.moments(true));
    a.standardize(st);
    b.standardize(st);
    int[] order = {28, 3, 4, 0, 17, 9, 8};
    float[][] out = new float[4][];
    for (int k = 0; k < 2; k++) {
      PackedPartition p = k == 0 ? a : b;
      out[2 * k] = new float[7 * 6];
      p.gather(order, 0, 7, out[2 * k], new float[7]);
      out[2 * k + 1] = new float[29 * 6];
      p.copy(0, 29, out[2 * k + 1], new float[29]);
    }
    assertArrayEquals(out[2], out[0], "gather");
    assertArrayEquals(out[3], out[1], "copy");
    double mean = 0;
    for (float v : out[1]) mean += v;
    assertEquals(0, mean / out[1].length, 1e-5, "the standardisation was applied to the pixels");
  }

  @Test
  void refusesAnExampleOfTheWrongSize() {
    List<Example> bad = List.of(new Example(new float[] {1, 2}, 0));
    assertThrows(IllegalArgumentException.class, () -> PackedPartition.pack(0, SHAPE, bad.iterator(), -1));
  }

  @Test
  void limitZeroAndExactlyFullChunks() {
    PackedPartition none = PackedPartition.pack(0, SHAPE, examples(5).iterator(), 0, 1 << 20);
    assertEquals(0, none.size());
    // 14 examples in chunks of 7 (21 floats / 3): two full chunks, no empty third one
    PackedPartition two = PackedPartition.pack(0, SHAPE, examples(14).iterator(), -1, 21);
    assertEquals(14, two.size());
    assertEquals(2, two.chunkCount());
    assertEquals(1, PackedPartition.pack(0, SHAPE, examples(0).iterator(), -1, 21).chunkCount(), "one empty chunk");
    float[] x = new float[42];
    float[] y = new float[14];
    two.copy(0, 14, x, y); // across the boundary of the two full chunks
    for (int i = 0; i < 14; i++) assertEquals(i, x[3 * i]);
  }

  @Test
  void wideLabelsAreGatheredAndCopiedWhole() {
    // two labels per example (e.g. a regression with 2 targets), from a Dataset
    float[] x = new float[5 * 3];
    float[] y = new float[5 * 2];
    for (int i = 0; i < 5; i++) {
      for (int j = 0; j < 3; j++) x[3 * i + j] = 10 * i + j;
      y[2 * i] = i;
      y[2 * i + 1] = -i - 0.5f;
    }
    PackedPartition p = new PackedPartition(3, new Dataset(SHAPE, 2, x, y));
    assertEquals(2, p.labelWidth());
    float[] xb = new float[2 * 3];
    float[] yb = new float[2 * 2];
    p.gather(new int[] {9, 4, 2}, 1, 2, xb, yb);
    assertArrayEquals(new float[] {40, 41, 42, 20, 21, 22}, xb);
    assertArrayEquals(new float[] {4, -4.5f, 2, -2.5f}, yb);
    float[] xc = new float[3 * 3];
    float[] yc = new float[3 * 2];
    p.copy(2, 3, xc, yc);
    assertArrayEquals(Arrays.copyOfRange(x, 6, 15), xc);
    assertArrayEquals(new float[] {2, -2.5f, 3, -3.5f, 4, -4.5f}, yc);
  }

  @Test
  void pixelStorageCopiesFromAnyStartAcrossChunks() {
    Shape image = Shape.image(1, 1, 2);
    List<Example> px = new ArrayList<>();
    for (int i = 0; i < 7; i++) px.add(Example.ofPixels(new byte[] {(byte) (30 * i), (byte) (30 * i + 1)}, i));
    PackedPartition p = PackedPartition.pack(0, image, px.iterator(), -1, 4); // 2 examples per chunk
    assertEquals(7, p.size());
    for (int from = 0; from < 7; from++) {
      int n = 7 - from;
      float[] x = new float[2 * n];
      float[] y = new float[n];
      p.copy(from, n, x, y);
      for (int i = 0; i < n; i++) {
        float[] want = new float[2];
        px.get(from + i).copyTo(want, 0);
        assertArrayEquals(want, Arrays.copyOfRange(x, 2 * i, 2 * i + 2), "copy(" + from + ", " + n + ") example " + i);
        assertEquals(from + i, y[i], "copy(" + from + ", " + n + ") label " + i);
      }
    }
  }

  @Test
  void pixelAndFloatExamplesDoNotMix() {
    Shape s = Shape.vector(2);
    for (List<Example> mixed : List.of(List.of(Example.ofPixels(new byte[2], 0), new Example(new float[2], 0)),
        List.of(new Example(new float[2], 0), Example.ofPixels(new byte[2], 0)))) {
      assertEquals("pixel and float examples in one partition",
          assertThrows(IllegalArgumentException.class, () -> PackedPartition.pack(0, s, mixed.iterator(), -1)).getMessage());
    }
  }

  @Test
  void standardizeReturnsThePartitionItChanged() {
    PackedPartition p = PackedPartition.pack(0, SHAPE, examples(4).iterator(), -1);
    Standardizer st = Standardizer.fromCentralMoments(
        Standardizer.Mode.STANDARDIZE, false, p.moments(false));
    assertSame(p, p.standardize(st));
    float[] x = new float[12];
    p.copy(0, 4, x, new float[4]);
    double sum = 0;
    for (float v : x) sum += v;
    assertEquals(0, sum, 1e-5, "all 12 values centred (one group)");
  }
}
