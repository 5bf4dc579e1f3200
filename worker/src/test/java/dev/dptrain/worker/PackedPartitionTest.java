package dev.dptrain.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.data.Example;
import java.util.ArrayList;
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
    Dataset d = flat(ex);
    assertEquals(5, p.index());
    assertEquals(23, p.size());
    assertEquals(12, p.chunks().size());
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
    assertEquals(1, empty.chunks().size());
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
    assertEquals(2, two.chunks().size());
    assertEquals(7, two.chunks().get(1).size());
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
    assertArrayEquals(java.util.Arrays.copyOfRange(x, 6, 15), xc);
    assertArrayEquals(new float[] {2, -2.5f, 3, -3.5f, 4, -4.5f}, yc);
  }
}
