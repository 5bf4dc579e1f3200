package dev.dptrain.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.data.Example;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Regression targets on the executor side: their moments across chunks (pixel and float storage),
 * standardisation in place, and a partition re-numbered for k-fold training sharing its storage.
 */
class PackedPartitionTargetsTest {
  private static final Shape SHAPE = Shape.vector(2);

  private static PackedPartition floats(int n, int chunkValues) {
    List<Example> ex = new ArrayList<>();
    for (int i = 0; i < n; i++) ex.add(new Example(new float[] {i, -i}, 3 * i + 1));
    return PackedPartition.pack(4, SHAPE, ex.iterator(), -1, chunkValues);
  }

  private static float[] labels(PackedPartition p) {
    float[] x = new float[p.size() * 2];
    float[] y = new float[p.size()];
    p.copy(0, p.size(), x, y);
    return y;
  }

  @Test
  void labelMomentsSpanEveryChunk() {
    // labels 1, 4, ..., 28 (10 examples), 3 examples per chunk: 4 chunks, the last with one
    double[] m = floats(10, 6).labelMoments();
    double mean = 14.5;
    double m2 = 0;
    for (int i = 0; i < 10; i++) m2 += (3 * i + 1 - mean) * (3 * i + 1 - mean);
    assertEquals(mean, m[1], 1e-12, "mean over all 4 chunks");
    assertEquals(m2, m[2], 1e-9, "M2 over all 4 chunks");
    assertEquals(10, m[0], 0);
    assertNull(PackedPartition.pack(0, SHAPE, List.<Example>of().iterator(), -1).labelMoments());
  }

  @Test
  void pixelLabelMomentsEqualFloatOnes() {
    Shape image = Shape.image(1, 1, 2);
    List<Example> px = new ArrayList<>();
    for (int i = 0; i < 7; i++) px.add(Example.ofPixels(new byte[] {(byte) i, (byte) (2 * i)}, i % 3));
    PackedPartition p = PackedPartition.pack(0, image, px.iterator(), -1, 4); // 2 examples per chunk
    double[] m = p.labelMoments();
    assertEquals(7, m[0], 0);
    assertEquals((0 + 1 + 2 + 0 + 1 + 2 + 0) / 7.0, m[1], 1e-12);
  }

  @Test
  void standardizedTargetsInEveryChunkAndTheScaleIsKept() {
    PackedPartition p = floats(7, 6);
    assertEquals(1.0, p.targetScale(), 0, "unscaled targets");
    assertSame(p, p.standardizeTargets(10f, 4f));
    float[] y = labels(p);
    for (int i = 0; i < 7; i++) assertEquals((3 * i + 1 - 10f) / 4f, y[i], 0, "example " + i);
    assertEquals(4.0, p.targetScale(), 0);
  }

  @Test
  void withIndexSharesTheExamples() {
    PackedPartition p = floats(5, 6);
    PackedPartition q = p.withIndex(0);
    assertEquals(0, q.index());
    assertEquals(4, p.index());
    assertEquals(5, q.size());
    assertArrayEquals(labels(p), labels(q));
    p.standardizeTargets(1f, 2f);
    assertArrayEquals(labels(p), labels(q), "storage is shared, not copied");
  }

  @Test
  void pixelTargetsAreStandardizedInEveryChunk() {
    Shape image = Shape.image(1, 1, 2);
    List<Example> px = new ArrayList<>();
    for (int i = 0; i < 5; i++) px.add(Example.ofPixels(new byte[] {(byte) i, 0}, 2 * i));
    PackedPartition p = PackedPartition.pack(0, image, px.iterator(), -1, 4); // 2 examples per chunk
    assertSame(p, p.standardizeTargets(4f, 2f));
    float[] y = new float[5];
    p.copy(0, 5, new float[10], y);
    assertArrayEquals(new float[] {-2, -1, 0, 1, 2}, y);
    assertEquals(2.0, p.targetScale(), 0);
  }

  @Test
  void everyValueOfWideLabelsCounts() {
    // 3 examples with 2 targets each (y = 0..5): moments and standardisation over all 6 values
    float[] y = {0, 1, 2, 3, 4, 5};
    PackedPartition p = new PackedPartition(0, new Dataset(SHAPE, 2, new float[6], y));
    double[] m = p.labelMoments();
    assertEquals(6, m[0], 0);
    assertEquals(2.5, m[1], 1e-12);
    assertEquals(17.5, m[2], 1e-12);
    p.standardizeTargets(2.5f, 0.5f);
    float[] out = new float[6];
    p.copy(0, 3, new float[6], out);
    assertArrayEquals(new float[] {-5, -3, -1, 1, 3, 5}, out);
  }
}
