package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** An example's features written out at an offset, from floats or pixels, and the values it passes through. */
class ExampleTest {
  @Test
  void copyToWritesFloatFeaturesAtTheOffset() {
    float[] dst = {9, 9, 9, 9};
    new Example(new float[] {1.5f, -2f}, 0).copyTo(dst, 1);
    assertArrayEquals(new float[] {9, 1.5f, -2f, 9}, dst);
    float[] px = {9, 9, 9};
    Example.ofPixels(new byte[] {(byte) 255, 51}, 0).copyTo(px, 1);
    assertArrayEquals(new float[] {9, 1f, 51 * (1f / 255f)}, px);
  }

  @Test
  void keepingAddsValuesAndKeepsTheRest() {
    float[] x = {1, 2};
    Example e = new Example(x, 3f);
    assertNull(e.kept());
    Example k = e.keeping(new String[] {"id7"});
    assertArrayEquals(new String[] {"id7"}, k.kept());
    assertSame(x, k.features());
    assertEquals(3f, k.label());
    assertEquals(2, k.size());
    byte[] p = {1, 2, 3};
    Example kp = Example.ofPixels(p, 4f).keeping(new String[] {"a"});
    assertSame(p, kp.pixels());
    assertEquals(3, kp.size());
  }
}
