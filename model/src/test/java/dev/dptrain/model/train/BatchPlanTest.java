package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The batch plan's public contract: permutations that change every epoch, slices, seeds. */
class BatchPlanTest {
  private static boolean isIdentity(int[] order) {
    for (int i = 0; i < order.length; i++) if (order[i] != i) return false;
    return true;
  }

  private static void assertPermutation(int[] order, int n) {
    assertEquals(n, order.length);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n; i++) assertEquals(i, sorted[i], "a permutation of [0, " + n + ")");
  }

  @Test
  void localOrderIsASeededShuffleThatChangesEveryEpochAndPartition() {
    int n = 50; // 50! orders: identity or a repeat by chance is impossible in practice
    BatchPlan plan = new BatchPlan(new long[] {n, n}, 10, 99);
    Set<String> seen = new HashSet<>();
    for (int e = 0; e < 3; e++) {
      for (int p = 0; p < 2; p++) {
        int[] o = plan.localOrder(p, e);
        assertPermutation(o, n);
        assertFalse(isIdentity(o), "epoch " + e + " partition " + p + " is shuffled");
        assertTrue(seen.add(Arrays.toString(o)), "epoch " + e + " partition " + p + " has its own order");
        // Deterministic: the same (seed, epoch, partition) gives the same order.
        assertArrayEquals(o, BatchPlan.localOrder(99, e, p, n));
      }
    }
    assertFalse(Arrays.equals(BatchPlan.localOrder(99, 0, 0, n), BatchPlan.localOrder(100, 0, 0, n)), "seed matters");
  }

  @Test
  void batchSeedDependsOnSeedStepAndPartition() {
    Set<Long> seeds = new HashSet<>();
    for (long seed : new long[] {0, 1, 42}) {
      for (long step = 0; step < 5; step++) {
        for (int p = 0; p < 3; p++) {
          long s = BatchPlan.batchSeed(seed, step, p);
          assertTrue(seeds.add(s), "batch seed for seed " + seed + ", step " + step + ", partition " + p + " is new");
          assertEquals(s, BatchPlan.batchSeed(seed, step, p));
        }
      }
    }
    assertEquals(45, seeds.size());
    assertNotEquals(BatchPlan.batchSeed(42, 0, 0), BatchPlan.batchSeed(42, 1, 0));
  }

  @Test
  void slicesCoverEveryExampleOncePerEpoch() {
    // 23 examples in partitions of 7, 0 and 16 at global batch 5: ceil(23/5) = 5 steps.
    BatchPlan plan = new BatchPlan(new long[] {7, 0, 16}, 5, 1);
    assertEquals(3, plan.partitions());
    assertEquals(23, plan.totalExamples());
    assertEquals(5, plan.stepsPerEpoch());
    long total = 0;
    for (int p = 0; p < 3; p++) {
      assertEquals(0, plan.sliceFrom(p, 0));
      assertEquals(plan.partitionSize(p), plan.sliceFrom(p, 5));
      for (long k = 0; k < 5; k++) {
        long from = plan.sliceFrom(p, k);
        long to = plan.sliceFrom(p, k + 1);
        assertTrue(to >= from);
        // floor(k·n/S): shares differ by at most one between steps.
        assertEquals(Math.floorDiv(plan.partitionSize(p) * k, 5), from);
        total += to - from;
      }
    }
    assertEquals(23, total);
    assertEquals(0, plan.localOrder(1, 0).length);
  }

  @Test
  void evenSplitAndBlockStart() {
    assertArrayEquals(new long[] {3, 3, 4}, BatchPlan.evenSplit(10, 3));
    assertEquals(0, BatchPlan.blockStart(10, 3, 0));
    assertEquals(3, BatchPlan.blockStart(10, 3, 1));
    assertEquals(6, BatchPlan.blockStart(10, 3, 2));
    assertEquals(10, BatchPlan.blockStart(10, 3, 3));
    assertArrayEquals(new long[] {0, 1}, BatchPlan.evenSplit(1, 2));
  }

  @Test
  void invalidPlansAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {3}, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {3, -1}, 2, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BatchPlan(new long[] {0, 0}, 2, 1));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
  }
}
