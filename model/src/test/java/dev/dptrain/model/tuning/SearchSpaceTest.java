package dev.dptrain.model.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The search space's scales, sampling (coarse and fine), grid and edge test, values pinned. */
class SearchSpaceTest {
  private static final SearchSpace.Param LR = new SearchSpace.Param("train.optimizer.lr", SearchSpace.Kind.LOG_UNIFORM,
      1e-4, 1, null);
  private static final SearchSpace.Param RATE = new SearchSpace.Param("model.layers[2].rate", SearchSpace.Kind.UNIFORM,
      0, 0.5, null);
  private static final SearchSpace.Param WIDTH = new SearchSpace.Param("model.layers[0].units", SearchSpace.Kind.CHOICE,
      0, 0, List.of(32, 64, 128));
  private static final SearchSpace SPACE = new SearchSpace(List.of(LR, RATE, WIDTH));

  @Test
  void paramsRefuseBadRanges() {
    assertEquals("p: choice needs at least one value", assertThrows(IllegalArgumentException.class,
        () -> new SearchSpace.Param("p", SearchSpace.Kind.CHOICE, 0, 0, List.of())).getMessage());
    assertEquals("p: range needs lo < hi, got [1.0, 1.0]", assertThrows(IllegalArgumentException.class,
        () -> new SearchSpace.Param("p", SearchSpace.Kind.UNIFORM, 1, 1, null)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new SearchSpace.Param("p", SearchSpace.Kind.UNIFORM, 0, Double.POSITIVE_INFINITY, null));
    assertThrows(IllegalArgumentException.class,
        () -> new SearchSpace.Param("p", SearchSpace.Kind.UNIFORM, Double.NEGATIVE_INFINITY, 0, null));
    assertEquals("p: log-uniform range needs lo > 0, got 0.0", assertThrows(IllegalArgumentException.class,
        () -> new SearchSpace.Param("p", SearchSpace.Kind.LOG_UNIFORM, 0, 1, null)).getMessage());
    new SearchSpace.Param("p", SearchSpace.Kind.UNIFORM, -1, 0, null); // a negative uniform range is fine
    assertThrows(IllegalArgumentException.class, () -> new SearchSpace(List.of()));
  }

  @Test
  void scalesAndEdges() {
    assertEquals(0.5, LR.unit(1e-2), 1e-12);
    assertEquals(1e-3, LR.fromUnit(0.25), 1e-15);
    assertEquals(0.5, RATE.unit(0.25), 1e-12);
    assertEquals(0.4, RATE.fromUnit(0.8), 1e-12);
    // the outer tenth on each side, on the parameter's scale
    assertTrue(LR.atEdge(1.5e-4));
    assertFalse(LR.atEdge(Math.pow(10, -4 + 0.4 + 1e-9)));
    assertTrue(LR.atEdge(Math.pow(10, -0.3)));
    assertFalse(LR.atEdge(Math.pow(10, -0.4 - 1e-9)));
    assertTrue(RATE.atEdge(0.04) && RATE.atEdge(0.46));
    assertFalse(RATE.atEdge(0.06) || RATE.atEdge(0.44));
    assertFalse(WIDTH.atEdge(32));
    assertEquals("train.optimizer.lr log-uniform [0.000100, 1.00]", LR.describe());
    assertEquals("model.layers[2].rate uniform [0.00, 0.500]", RATE.describe());
    assertEquals("model.layers[0].units choice [32, 64, 128]", WIDTH.describe());
  }

  /** Coarse: the whole range, every decade alike; a trial's values depend on (seed, trial) only. */
  @Test
  void coarseSamplesCoverTheRangeOnItsScale() {
    assertEquals(SPACE.sample(7, 3), SPACE.sample(7, 3));
    assertNotEquals(SPACE.sample(7, 3), SPACE.sample(7, 4));
    assertNotEquals(SPACE.sample(7, 3), SPACE.sample(8, 3));
    int n = 2000;
    int belowMiddleDecade = 0;
    int belowQuarterRate = 0;
    int[] widths = new int[3];
    for (int t = 0; t < n; t++) {
      Map<String, Object> v = SPACE.sample(1, t);
      assertEquals(List.of("train.optimizer.lr", "model.layers[2].rate", "model.layers[0].units"), new ArrayList<>(v.keySet()));
      double lr = (Double) v.get("train.optimizer.lr");
      double rate = (Double) v.get("model.layers[2].rate");
      assertTrue(lr >= 1e-4 && lr <= 1 && rate >= 0 && rate <= 0.5, v.toString());
      if (lr < 1e-2) belowMiddleDecade++;
      if (rate < 0.125) belowQuarterRate++;
      widths[List.of(32, 64, 128).indexOf(v.get("model.layers[0].units"))]++;
    }
    // binomial: sd sqrt(n p (1-p)) = 22 (p = 1/2), 19 (p = 1/4), 21 (p = 1/3); 4 sd allowed
    assertEquals(n / 2.0, belowMiddleDecade, 90);
    assertEquals(n / 4.0, belowQuarterRate, 80);
    for (int w : widths) assertEquals(n / 3.0, w, 85);
  }

  /** Fine: within ±FINE_WIDTH/2 of the best on each scale, clipped to the range; choices kept. */
  @Test
  void fineSamplesStayNearTheBest() {
    Map<String, Object> best = Map.of("train.optimizer.lr", 1e-2, "model.layers[2].rate", 0.0, "model.layers[0].units", 64);
    double widest = 0;
    double lowest = 1;
    double highest = 0;
    for (int t = 0; t < 500; t++) {
      Map<String, Object> v = SPACE.around(best, 3, t);
      double u = LR.unit((Double) v.get("train.optimizer.lr"));
      assertTrue(Math.abs(u - 0.5) <= SearchSpace.FINE_WIDTH / 2 + 1e-12, v.toString());
      widest = Math.max(widest, Math.abs(u - 0.5));
      lowest = Math.min(lowest, u);
      highest = Math.max(highest, u);
      double rate = (Double) v.get("model.layers[2].rate");
      assertTrue(rate >= 0 && RATE.unit(rate) <= SearchSpace.FINE_WIDTH / 2 + 1e-12, v.toString()); // clipped at lo
      assertEquals(64, v.get("model.layers[0].units"));
    }
    assertTrue(widest > 0.12, "the draws reach the window's ends: " + widest);
    assertTrue(lowest < 0.4 && highest > 0.6, "on both sides of the best: " + lowest + " " + highest);
    assertEquals(SPACE.around(best, 3, 9), SPACE.around(best, 3, 9));
    assertNotEquals(SPACE.around(best, 3, 9), SPACE.sample(3, 9), "its own stream, not the coarse one");
  }

  @Test
  void gridIsEvenOnEachScaleWithEveryChoice() {
    SearchSpace s = new SearchSpace(List.of(LR, WIDTH));
    List<Map<String, Object>> g = s.grid(3);
    assertEquals(9, g.size());
    double[] lrs = {1e-4, 1e-2, 1};
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        Map<String, Object> point = g.get(i * 3 + j);
        assertEquals(lrs[i], (Double) point.get("train.optimizer.lr"), lrs[i] * 1e-12);
        assertEquals(List.of(32, 64, 128).get(j), point.get("model.layers[0].units"));
      }
    }
    assertEquals(2, new SearchSpace(List.of(RATE)).grid(2).size());
    assertEquals(0.5, (Double) new SearchSpace(List.of(RATE)).grid(2).get(1).get("model.layers[2].rate"), 0);
    assertEquals("a grid needs at least 2 points per parameter, got 1",
        assertThrows(IllegalArgumentException.class, () -> s.grid(1)).getMessage());
  }
}
