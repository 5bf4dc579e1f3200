package dev.dptrain.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Random flip and padded crop: pure function of (batch, seed), mirrors really mirror, crops shift
 * content by the drawn offset with zeros filling in, flip frequency is 1/2.
 */
class AugmentationTest {
  private static final Shape IMG = Shape.image(2, 4, 5);

  /** Distinct non-zero values, so that every pixel's origin can be identified. */
  private static float[] distinct(int n, Shape s) {
    float[] x = new float[n * s.size()];
    for (int i = 0; i < x.length; i++) x[i] = 1 + i;
    return x;
  }

  /** in[c][h - dy][(mirror ? w-1-(col-dx) : col-dx)], zero outside, for one example. */
  private static float[] expected(float[] x, int example, Shape s, boolean mirror, int dy, int dx) {
    int h = s.height();
    int w = s.width();
    float[] out = new float[s.size()];
    for (int c = 0; c < s.channels(); c++) {
      for (int r = 0; r < h; r++) {
        for (int col = 0; col < w; col++) {
          int sr = r - dy;
          int sc = col - dx;
          if (sr < 0 || sr >= h || sc < 0 || sc >= w) continue;
          int srcCol = mirror ? w - 1 - sc : sc;
          out[(c * h + r) * w + col] = x[example * s.size() + (c * h + sr) * w + srcCol];
        }
      }
    }
    return out;
  }

  private static float[] example(float[] batch, int i, Shape s) {
    return Arrays.copyOfRange(batch, i * s.size(), (i + 1) * s.size());
  }

  @Test
  void sameSeedSameBatchOtherSeedDiffers() {
    Augmentation a = new Augmentation(true, 2);
    float[] x = distinct(16, IMG);
    float[] first = x.clone();
    float[] second = x.clone();
    float[] other = x.clone();
    a.apply(first, 16, IMG, 99);
    a.apply(second, 16, IMG, 99);
    a.apply(other, 16, IMG, 100);
    assertArrayEquals(first, second, "same seed must give the identical batch");
    assertFalse(Arrays.equals(first, other), "seeds 99 and 100 gave the same augmentation");
    assertFalse(Arrays.equals(first, x), "nothing was augmented");
  }

  @Test
  void flipMirrorsEachRowOrLeavesTheImage() {
    Augmentation a = new Augmentation(true, 0);
    int n = 40;
    float[] x = distinct(n, IMG);
    float[] y = x.clone();
    a.apply(y, n, IMG, 7);
    Rng rng = Rng.derive(7, Augmentation.STREAM);
    int flipped = 0;
    for (int i = 0; i < n; i++) {
      boolean mirror = rng.nextFloat() < 0.5f;
      float[] want = expected(x, i, IMG, mirror, 0, 0);
      assertArrayEquals(want, example(y, i, IMG), "example " + i + (mirror ? " mirrored" : " unchanged"));
      if (mirror) {
        // Spot check against the definition: first pixel of a row becomes its last.
        assertEquals(x[i * IMG.size()], y[i * IMG.size() + IMG.width() - 1], 0f);
        flipped++;
      }
    }
    assertTrue(flipped > 0 && flipped < n, "flipped " + flipped + " of " + n);
  }

  @Test
  void cropKeepsShapeAndShiftsByTheDrawnOffset() {
    int p = 2;
    Augmentation a = new Augmentation(false, p);
    int n = 500;
    float[] x = distinct(n, IMG);
    float[] y = Arrays.copyOf(x, x.length + 3);
    y[x.length] = -5; // beyond the batch: must stay
    a.apply(y, n, IMG, 11);
    assertEquals(x.length + 3, y.length);
    assertEquals(-5f, y[x.length], 0f, "augmentation wrote past the n examples");
    Rng rng = Rng.derive(11, Augmentation.STREAM);
    boolean[][] seen = new boolean[2 * p + 1][2 * p + 1];
    for (int i = 0; i < n; i++) {
      int dy = rng.nextInt(2 * p + 1) - p;
      int dx = rng.nextInt(2 * p + 1) - p;
      seen[dy + p][dx + p] = true;
      float[] got = example(y, i, IMG);
      assertArrayEquals(expected(x, i, IMG, false, dy, dx), got, "example " + i + " shifted by (" + dy + ", " + dx + ")");
      // Zero padding: exactly the pixels shifted in from outside are 0.
      int zeros = 0;
      for (float v : got) if (v == 0) zeros++;
      int inside = (IMG.height() - Math.abs(dy)) * (IMG.width() - Math.abs(dx));
      assertEquals(IMG.channels() * (IMG.spatial() - inside), zeros, "zero-filled pixels of example " + i);
    }
    for (int dy = 0; dy <= 2 * p; dy++) {
      for (int dx = 0; dx <= 2 * p; dx++) {
        assertTrue(seen[dy][dx], "offset (" + (dy - p) + ", " + (dx - p) + ") never drawn in " + n + " examples");
      }
    }
  }

  @Test
  void flipThenCropTogether() {
    Augmentation a = new Augmentation(true, 1);
    int n = 30;
    float[] x = distinct(n, IMG);
    float[] y = x.clone();
    a.apply(y, n, IMG, -3);
    Rng rng = Rng.derive(-3, Augmentation.STREAM);
    for (int i = 0; i < n; i++) {
      boolean mirror = rng.nextFloat() < 0.5f;
      int dy = rng.nextInt(3) - 1;
      int dx = rng.nextInt(3) - 1;
      assertArrayEquals(expected(x, i, IMG, mirror, dy, dx), example(y, i, IMG), "example " + i);
    }
  }

  /**
   * Over 20000 examples the flip count is Binomial(20000, 1/2): sd ≈ 70.7. A bound of 5 sd fails
   * a correct implementation with probability ~6e-7, while a rate of 0.48 or 0.52 (400 off) fails.
   */
  @Test
  void flipFrequencyIsOneHalf() {
    Shape s = Shape.image(1, 1, 2);
    int n = 20000;
    float[] x = new float[2 * n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = 1;
      x[2 * i + 1] = 2;
    }
    new Augmentation(true, 0).apply(x, n, s, 2024);
    int flipped = 0;
    for (int i = 0; i < n; i++) if (x[2 * i] == 2) flipped++;
    double sd = Math.sqrt(n * 0.25);
    assertTrue(Math.abs(flipped - n / 2.0) < 5 * sd, "flipped " + flipped + " of " + n);
  }

  @Test
  void noneAndInvalidUses() {
    float[] x = distinct(3, IMG);
    float[] y = x.clone();
    Augmentation.NONE.apply(y, 3, IMG, 1);
    assertArrayEquals(x, y, "NONE must leave the batch untouched");
    Augmentation.NONE.checkFits(Shape.vector(10)); // nothing to refuse
    String m = assertThrows(IllegalArgumentException.class,
        () -> new Augmentation(true, 0).apply(new float[20], 2, Shape.vector(10), 1)).getMessage();
    assertTrue(m.contains("image input") && m.contains("[10]"), m);
    m = assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, 4).checkFits(IMG)).getMessage();
    assertTrue(m.contains("crop-padding = 4") && m.contains("[2x4x5]"), m);
    assertThrows(IllegalArgumentException.class, () -> new Augmentation(false, -1));
  }
}
