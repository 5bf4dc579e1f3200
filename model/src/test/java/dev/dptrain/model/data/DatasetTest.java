package dev.dptrain.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.model.Shape;
import org.junit.jupiter.api.Test;

/** Packed examples with labels wider than one float (regression targets). */
class DatasetTest {
  // 4 examples of 3 features, labels 2 wide: example i has features 10i..10i+2, labels -i, 100+i.
  private static Dataset data() {
    float[] x = new float[12];
    float[] y = new float[8];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 3; j++) x[3 * i + j] = 10 * i + j;
      y[2 * i] = -i;
      y[2 * i + 1] = 100 + i;
    }
    return new Dataset(Shape.vector(3), 2, x, y);
  }

  @Test
  void gatherCopiesFeaturesAndWideLabels() {
    Dataset d = data();
    assertEquals(4, d.size());
    float[] xb = new float[9];
    float[] yb = new float[6];
    d.gather(new int[] {3, 0, 2, 1}, 1, 3, xb, yb); // positions 1..3 of the order: examples 0, 2, 1
    assertArrayEquals(new float[] {0, 1, 2, 20, 21, 22, 10, 11, 12}, xb);
    assertArrayEquals(new float[] {0, 100, -2, 102, -1, 101}, yb);
  }

  @Test
  void sliceKeepsWideLabels() {
    Dataset s = data().slice(1, 2);
    assertEquals(2, s.size());
    assertEquals(2, s.labelWidth());
    assertArrayEquals(new float[] {10, 11, 12, 20, 21, 22}, s.features());
    assertArrayEquals(new float[] {-1, 101, -2, 102}, s.labels());
  }

  @Test
  void inconsistentArraysAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Dataset(Shape.vector(3), 0, new float[3], new float[0]));
    assertThrows(IllegalArgumentException.class, () -> new Dataset(Shape.vector(3), 1, new float[4], new float[1]));
    assertThrows(IllegalArgumentException.class, () -> new Dataset(Shape.vector(3), 2, new float[6], new float[2]));
  }
}
