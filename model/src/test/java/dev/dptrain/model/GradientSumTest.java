package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-partition merge of step results. */
class GradientSumTest {
  private static GradientSum sum(float[] grad, double loss, long count, long correct, long nanos, double[] stats) {
    GradientSum s = new GradientSum();
    s.grad = grad;
    s.lossSum = loss;
    s.count = count;
    s.correct = correct;
    s.computeNanos = nanos;
    s.normStats = stats;
    return s;
  }

  /** One BN block of one channel: [C, count, mean, M2]. */
  private static double[] stats(double count, double mean, double m2) {
    return new double[] {1, count, mean, m2};
  }

  @Test
  void mergeAddsGradientsLossCountsAndPoolsStatistics() {
    // Small integers and dyadic fractions: every float sum below is exact.
    GradientSum a = sum(new float[] {1, -2, 0.5f}, 1.25, 3, 2, 10, stats(3, 2, 6));
    GradientSum b = sum(new float[] {4, 0.25f, -3}, 2.5, 1, 1, 30, stats(1, 6, 0));
    assertSame(a, a.merge(b));
    assertArrayEquals(new float[] {5, -1.75f, -2.5f}, a.grad);
    assertEquals(3.75, a.lossSum);
    assertEquals(4, a.count);
    assertEquals(3, a.correct);
    assertEquals(30, a.computeNanos, "longest task");
    // Chan: n = 4, mean = 2 + 4·1/4 = 3, M2 = 6 + 0 + 16·3·1/4 = 18.
    assertArrayEquals(new double[] {1, 4, 3, 18}, a.normStats, 1e-12);
  }

  @Test
  void emptySidesAndOrder() {
    GradientSum empty = new GradientSum();
    GradientSum b = sum(new float[] {1, 2}, 0.5, 2, 1, 5, stats(2, 1, 1));
    float[] g = b.grad;
    empty.merge(b);
    assertSame(g, empty.grad, "an empty sum takes over the other's arrays");
    assertEquals(2, empty.count);
    assertEquals(1, empty.correct);
    assertEquals(0.5, empty.lossSum);
    assertEquals(5, empty.computeNanos);
    // Merging an empty result changes nothing but the time.
    GradientSum none = new GradientSum();
    none.computeNanos = 50;
    empty.merge(none);
    assertArrayEquals(new float[] {1, 2}, empty.grad);
    assertEquals(2, empty.count);
    assertEquals(50, empty.computeNanos);

    GradientSum all = GradientSum.mergeInOrder(List.of(
        sum(new float[] {1, 1}, 1, 1, 0, 1, stats(1, 0, 0)),
        new GradientSum(),
        sum(new float[] {2, -4}, 2, 1, 1, 2, stats(1, 2, 0))));
    assertArrayEquals(new float[] {3, -3}, all.grad);
    assertEquals(2, all.count);
    assertEquals(1, all.correct);
    assertEquals(3.0, all.lossSum);
    assertArrayEquals(new double[] {1, 2, 1, 2}, all.normStats, 1e-12);
    assertNull(GradientSum.mergeInOrder(List.of()).grad);
  }

  @Test
  void differentSizesAreRefused() {
    GradientSum a = sum(new float[] {1, 2}, 0, 1, 0, 0, stats(1, 0, 0));
    GradientSum b = sum(new float[] {1, 2, 3}, 0, 1, 0, 0, stats(1, 0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.merge(b));
    assertEquals("gradient sizes differ: 2 vs 3", e.getMessage());
  }
}
