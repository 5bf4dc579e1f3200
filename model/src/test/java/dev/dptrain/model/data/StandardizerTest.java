package dev.dptrain.model.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import org.junit.jupiter.api.Test;

class StandardizerTest {
  private static Dataset vectors(int features, float... x) {
    return new Dataset(Shape.vector(features), 1, x, new float[x.length / features]);
  }

  /**
   * Features: 0 varies (1, 2, 3, 4: mean 2.5, population std √1.25), 1 is constant 7 (mean far
   * from 0), 2 is constant 0, 3 is constant 0.1f (not exactly representable: the double mean of
   * four copies must still round back to the same float).
   */
  private static final float[] TRAIN = {
      1, 7, 0, 0.1f,
      2, 7, 0, 0.1f,
      3, 7, 0, 0.1f,
      4, 7, 0, 0.1f};

  @Test
  void constantFeaturesGetScaleOneAndAreReported() {
    Standardizer st = Standardizer.fit(vectors(4, TRAIN), Standardizer.Mode.STANDARDIZE, true);
    assertArrayEquals(new int[] {1, 2, 3}, st.constantGroups());
    assertEquals(3, st.constantCount());
    assertArrayEquals(new float[] {2.5f, 7f, 0f, 0.1f}, st.mean());
    assertArrayEquals(new float[] {(float) Math.sqrt(1.25), 1f, 1f, 1f}, st.std());

    float[] train = TRAIN.clone();
    st.apply(train, 4, Shape.vector(4));
    for (int i = 0; i < 4; i++) {
      // The varying feature: (x - 2.5)/√1.25, float32 subtraction exact, one division rounding.
      float want = (float) ((TRAIN[4 * i] - 2.5) / Math.sqrt(1.25));
      assertEquals(want, train[4 * i], Math.ulp(want) * 2, "feature 0, row " + i);
      // Constant features: exactly 0 on the training rows (x equals its float mean exactly).
      assertEquals(0f, train[4 * i + 1], "feature 1, row " + i);
      assertEquals(0f, train[4 * i + 2], "feature 2, row " + i);
      assertEquals(0f, train[4 * i + 3], "feature 3, row " + i);
    }
    // Other rows: x - mean, not (x - mean)/1e-6.
    float[] test = {2.5f, 8f, 3f, -0.9f};
    st.apply(test, 1, Shape.vector(4));
    assertEquals(0f, test[0]);
    assertEquals(1f, test[1]);
    assertEquals(3f, test[2]);
    assertEquals(-0.9f - 0.1f, test[3], 0f);
  }

  @Test
  void globalConstantDataIsOneConstantGroup() {
    Standardizer st = Standardizer.fit(vectors(2, 5, 5, 5, 5), Standardizer.Mode.STANDARDIZE, false);
    assertArrayEquals(new int[] {0}, st.constantGroups());
    assertArrayEquals(new float[] {1f}, st.std());
    float[] x = {5, 6};
    st.apply(x, 1, Shape.vector(2));
    assertArrayEquals(new float[] {0f, 1f}, x);
  }

  @Test
  void centerModeReportsNothingAndKeepsStdOne() {
    Standardizer st = Standardizer.fit(vectors(4, TRAIN), Standardizer.Mode.CENTER, true);
    assertEquals(0, st.constantCount());
    assertArrayEquals(new float[] {1f, 1f, 1f, 1f}, st.std());
    assertArrayEquals(new float[] {2.5f, 7f, 0f, 0.1f}, st.mean());
  }

  @Test
  void nonConstantFeaturesAreUnchanged() {
    // Per channel on images: channel 0 = 0..7 (mean 3.5, M2 42 over 8), channel 1 = 10×(0..7).
    float[] x = new float[16];
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 4; k++) {
        x[i * 8 + k] = i * 4 + k;
        x[i * 8 + 4 + k] = 10 * (i * 4 + k);
      }
    }
    Standardizer st = Standardizer.fit(new Dataset(Shape.image(2, 2, 2), 1, x, new float[2]),
        Standardizer.Mode.STANDARDIZE, true);
    assertEquals(0, st.constantCount());
    assertArrayEquals(new float[] {3.5f, 35f}, st.mean());
    assertArrayEquals(new float[] {(float) Math.sqrt(42 / 8.0), (float) Math.sqrt(4200 / 8.0)}, st.std());
  }

  @Test
  void smallButVaryingFeaturesKeepTheirScale() {
    // A feature in units of 1e-9 (std 1e-9 at mean 0) is not constant: the bound is relative.
    double[] m = {2, 0, 2e-18}; // n = 2, mean 0, M2 = 2e-18 → std 1e-9
    Standardizer st = Standardizer.fromCentralMoments(Standardizer.Mode.STANDARDIZE, false, m);
    assertEquals(0, st.constantCount());
    assertEquals(1e-9f, st.std()[0]);
  }

  @Test
  void constantBoundIsFloat32EpsilonRelativeToTheMean() {
    double eps = Math.ulp(1f);
    assertTrue(Standardizer.isConstant(0, 0));
    assertTrue(Standardizer.isConstant(1000, 1000 * eps));
    assertFalse(Standardizer.isConstant(1000, 1000 * eps * 1.01));
    assertTrue(Standardizer.isConstant(-1000, 1000 * eps));
    assertFalse(Standardizer.isConstant(-1000, 1000 * eps * 1.01));
    assertFalse(Standardizer.isConstant(0, 1e-30));
    // A reciprocal that overflows float32 would turn every value into ±Infinity.
    assertTrue(Standardizer.isConstant(0, 1e-39));
    assertTrue(Standardizer.isConstant(0, Double.NaN));
    // Rounding residue of a constant feature (about 2^-53·|mean|) is far below the bound.
    assertTrue(Standardizer.isConstant(0.1, 0.1 * Math.ulp(1.0)));
  }

  @Test
  void noDataIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> Standardizer.fromCentralMoments(Standardizer.Mode.STANDARDIZE, false, new double[] {0, 0, 0}));
    assertEquals(Standardizer.NONE, Standardizer.fromCentralMoments(Standardizer.Mode.NONE, false, new double[] {0, 0, 0}));
  }

  @Test
  void modeParsing() {
    assertEquals(Standardizer.Mode.STANDARDIZE, Standardizer.Mode.parse("Standardize"));
    assertEquals(Standardizer.Mode.CENTER, Standardizer.Mode.parse("center"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Standardizer.Mode.parse("scale"));
    assertTrue(e.getMessage().contains("'scale'") && e.getMessage().contains("standardize"), e.getMessage());
  }

  @Test
  void momentsMergeEqualsOnePass() {
    float[] x = {1, 2, 3, 4, 100, 101};
    Shape s = Shape.vector(1);
    double[] all = Moments.of(x, 6, s, true);
    double[] a = Moments.of(java.util.Arrays.copyOfRange(x, 0, 4), 4, s, true);
    double[] b = Moments.of(java.util.Arrays.copyOfRange(x, 4, 6), 2, s, true);
    double[] merged = Moments.merge(a, b);
    assertEquals(6, merged[0]);
    assertEquals(all[1], merged[1], 1e-12 * Math.abs(all[1]));
    assertEquals(all[2], merged[2], 1e-12 * all[2]);
    assertArrayEquals(all, Moments.merge(all, new double[3]));
    double[] fromEmpty = Moments.merge(new double[3], all);
    assertEquals(6, fromEmpty[0]);
    assertEquals(all[1], fromEmpty[1], 4 * Math.ulp(all[1])); // mean + (mean - 0)·6/6: two roundings
    assertEquals(all[2], fromEmpty[2]);
    assertThrows(IllegalArgumentException.class, () -> Moments.merge(new double[3], new double[6]));
    assertArrayEquals(new double[6], Moments.merge(new double[6], new double[6]), "two empty partitions");
  }
  /** Two examples of 2 channels x 3 values; every moment below is exact in double. */
  private static final float[] IMG2 = {1, 2, 3, 10, 10, 10, 4, 5, 6, 20, 20, 20};

  @Test
  void momentsPerChannelAndGlobalOfImages() {
    Shape s = Shape.image(2, 1, 3);
    // Channel 0: 1..6, mean 3.5, M2 17.5; channel 1: three 10s and three 20s, mean 15, M2 150.
    assertArrayEquals(new double[] {6, 3.5, 17.5, 6, 15, 150}, Moments.of(IMG2, 2, s, true));
    // Global: 12 values, mean 111/12 = 9.25, M2 = Σx² - 12·9.25² = 1591 - 1026.75 = 564.25.
    assertArrayEquals(new double[] {12, 9.25, 564.25}, Moments.of(IMG2, 2, s, false));
    // Only the first n examples count.
    assertArrayEquals(new double[] {3, 2, 2, 3, 10, 0}, Moments.of(IMG2, 1, s, true));
    assertArrayEquals(new double[] {0, 0, 0}, Moments.of(IMG2, 0, s, false));
    // Merging per-example moments gives the moments of both.
    double[] a = Moments.of(java.util.Arrays.copyOfRange(IMG2, 0, 6), 1, s, true);
    double[] b = Moments.of(java.util.Arrays.copyOfRange(IMG2, 6, 12), 1, s, true);
    assertArrayEquals(new double[] {6, 3.5, 17.5, 6, 15, 150}, Moments.merge(a, b), 1e-12);
    assertArrayEquals(new double[] {6, 3.5, 17.5, 6, 15, 150}, Moments.merge(b, a), 1e-12);
  }

  @Test
  void applyPerChannelAndGlobalOnImages() {
    Shape s = Shape.image(2, 1, 3);
    Standardizer pc = Standardizer.fit(new Dataset(s, 1, IMG2.clone(), new float[2]), Standardizer.Mode.STANDARDIZE, true);
    float[] x = IMG2.clone();
    pc.apply(x, 2, s);
    double s0 = Math.sqrt(17.5 / 6);
    for (int i = 0; i < 2; i++) {
      for (int k = 0; k < 3; k++) {
        int at = i * 6 + k;
        assertEquals((IMG2[at] - 3.5) / s0, x[at], 1e-6, "channel 0 at " + at);
        assertEquals((IMG2[at + 3] - 15) / 5.0, x[at + 3], 1e-6, "channel 1 at " + (at + 3));
      }
    }
    Standardizer g = Standardizer.fit(new Dataset(s, 1, IMG2.clone(), new float[2]), Standardizer.Mode.CENTER, false);
    float[] y = IMG2.clone();
    g.apply(y, 1, s); // only the first example
    for (int k = 0; k < 6; k++) assertEquals(IMG2[k] - 9.25f, y[k], 0f);
    for (int k = 6; k < 12; k++) assertEquals(IMG2[k], y[k], 0f, "second example untouched");
    float[] z = IMG2.clone();
    Standardizer.NONE.apply(z, 2, s);
    assertArrayEquals(IMG2, z);
  }
}
