package dev.dptrain.model.tuning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.train.Stepper;
import org.junit.jupiter.api.Test;

/** The range test's bookkeeping on a scripted loss curve: smoothing, stopping, the lagged suggestion. */
class LrRangeTestRecordsTest {
  private static void feed(LrRangeTest t, double[] lr, double[] loss) {
    for (int i = 0; i < loss.length; i++) t.onStep(new Stepper.StepInfo(i, lr[i], loss[i], Double.NaN, 1, 10), 1, 1);
  }

  @Test
  void refusesBadRanges() {
    assertEquals("lr range needs 0 < min-lr < max-lr, got 0.0 .. 1.0",
        assertThrows(IllegalArgumentException.class, () -> new LrRangeTest(0, 1, 10)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LrRangeTest(1, 1, 10));
    assertEquals("lr range needs at least 2 steps, got 1",
        assertThrows(IllegalArgumentException.class, () -> new LrRangeTest(1e-3, 1, 1)).getMessage());
    new LrRangeTest(1e-3, 1, 2);
  }

  /** The bias-corrected average: the first smoothed value is the first loss, the second (0.9·0.1·a + 0.1·b)/(0.19). */
  @Test
  void smoothsWithBiasCorrection() {
    LrRangeTest t = new LrRangeTest(1e-3, 1, 100);
    feed(t, new double[] {1e-3, 2e-3}, new double[] {2.0, 1.0});
    LrRangeTest.Result r = t.result();
    assertEquals(2.0, r.smoothed()[0], 1e-12);
    assertEquals((0.09 * 2.0 + 0.1 * 1.0) / 0.19, r.smoothed()[1], 1e-12);
    assertArrayEquals(new double[] {2.0, 1.0}, r.loss(), 0);
    assertArrayEquals(new double[] {1e-3, 2e-3}, r.lr(), 0);
    assertEquals("ran out of data", r.stopReason());
    assertFalse(t.stopRequested(null));
  }

  /**
   * A loss falling until step 40 and rising quadratically after: the smoothed minimum comes a little
   * later, the suggestion is 9 steps (the smoothing's lag) before it, and the test stops once the
   * smoothed loss exceeds 4x its minimum.
   */
  @Test
  void stopsAtDivergenceAndSuggestsTheLaggedMinimum() {
    int n = 100;
    double[] lr = new double[n];
    double[] loss = new double[n];
    for (int i = 0; i < n; i++) {
      lr[i] = 1e-4 * Math.pow(1.1, i);
      loss[i] = i <= 40 ? 2.0 - i * 0.04 : 0.4 + 0.01 * (i - 40) * (i - 40);
    }
    LrRangeTest t = new LrRangeTest(1e-4, 1, n);
    int fed = 0;
    while (!t.stopRequested(null)) {
      t.onStep(new Stepper.StepInfo(fed, lr[fed], loss[fed], Double.NaN, 1, 10), 1, 1);
      fed++;
    }
    LrRangeTest.Result r = t.result();
    assertEquals(fed, r.lr().length);
    assertTrue(fed < n, "stopped before max-lr");
    assertEquals("the smoothed loss exceeded 4× its minimum", r.stopReason());
    int argmin = 0;
    for (int i = 1; i < fed; i++) if (r.smoothed()[i] < r.smoothed()[argmin]) argmin = i;
    assertTrue(argmin > 40, "the smoothed minimum trails the raw one: " + argmin);
    assertEquals(lr[argmin], r.minimumLr(), 0);
    assertEquals(lr[argmin - 9], r.suggestedLr(), 0);
    double min = r.smoothed()[argmin];
    assertTrue(r.smoothed()[fed - 1] > 4 * min && r.smoothed()[fed - 2] <= 4 * min, "stopped at the first step above 4x");
    assertTrue(r.describe().startsWith(String.format(java.util.Locale.ROOT, "%d steps from lr 0.000100 to ", fed)), r.describe());
  }

  @Test
  void aNonFiniteLossOrGradientStopsTheTest() {
    LrRangeTest t = new LrRangeTest(1e-3, 1, 100);
    feed(t, new double[] {1e-3, 2e-3, 4e-3}, new double[] {2.0, 1.5, Double.NaN});
    assertTrue(t.stopRequested(null));
    LrRangeTest.Result r = t.result();
    assertEquals("the loss became NaN", r.stopReason());
    assertTrue(Double.isNaN(r.smoothed()[2]));
    assertEquals(2e-3, r.minimumLr(), 0);
    assertEquals(1e-3, r.suggestedLr(), 0, "the lag is clipped at the first step");

    LrRangeTest g = new LrRangeTest(1e-3, 1, 100);
    feed(g, new double[] {1e-3}, new double[] {2.0});
    g.diverged(new ArithmeticException("x"));
    assertTrue(g.stopRequested(null));
    assertEquals("the gradient became non-finite", g.result().stopReason());

    LrRangeTest first = new LrRangeTest(1e-3, 1, 100);
    feed(first, new double[] {1e-3}, new double[] {Double.POSITIVE_INFINITY});
    assertThrows(IllegalStateException.class, first::result);
  }

  @Test
  void reachesMaxLrAfterItsSteps() {
    LrRangeTest t = new LrRangeTest(1e-3, 1, 3);
    feed(t, new double[] {1e-3, 3e-2, 1}, new double[] {2.0, 1.9, 1.8});
    assertTrue(t.stopRequested(null));
    assertEquals("reached max-lr", t.result().stopReason());
    assertEquals(1, t.result().minimumLr(), 0);
  }
}
