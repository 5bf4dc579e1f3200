package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seeded partition draw, record keys and label rules. */
class RecordPartitionerTest {
  @Test
  void partitionIsTheSeededDrawOfTheKey() {
    RecordPartitioner p = new RecordPartitioner(7, 42);
    assertEquals(7, p.numPartitions());
    int[] counts = new int[7];
    for (int f = 0; f < 3; f++) {
      for (long r = 0; r < 7000; r++) {
        RecordKey k = new RecordKey(f, r);
        int got = p.getPartition(k);
        assertEquals((int) Long.remainderUnsigned(Rng.mix(42, RecordPartitioner.PARTITION_STREAM, f, r), 7), got);
        assertEquals(got, RecordPartitioner.partitionOf(k, 7, 42));
        counts[got]++;
      }
    }
    // multinomial: each partition within a few sqrt(n/P) of n/P = 3000
    for (int c : counts) assertTrue(Math.abs(c - 3000) < 300, java.util.Arrays.toString(counts));
    // another seed gives another assignment
    int differ = 0;
    for (long r = 0; r < 100; r++) {
      if (RecordPartitioner.partitionOf(new RecordKey(0, r), 7, 43) != p.getPartition(new RecordKey(0, r))) differ++;
    }
    assertTrue(differ > 50, "differ " + differ);
  }

  @Test
  void equalityIsPartitionsAndSeed() {
    RecordPartitioner p = new RecordPartitioner(4, 9);
    assertEquals(p, new RecordPartitioner(4, 9));
    assertEquals(p.hashCode(), new RecordPartitioner(4, 9).hashCode());
    assertNotEquals(p, new RecordPartitioner(5, 9));
    assertNotEquals(p, new RecordPartitioner(4, 10));
    assertNotEquals(p, (Object) "p");
    assertNotEquals(p.hashCode(), new RecordPartitioner(5, 9).hashCode());
    assertNotEquals(p.hashCode(), new RecordPartitioner(4, 10).hashCode());
    assertEquals(Long.hashCode(9) * 31 + 4, p.hashCode());
    assertEquals("partitions must be positive, got 0",
        assertThrows(IllegalArgumentException.class, () -> new RecordPartitioner(0, 1)).getMessage());
    new RecordPartitioner(1, 1); // one partition is fine
  }

  @Test
  void keysSortByFileThenRecord() {
    List<RecordKey> keys = new ArrayList<>(List.of(new RecordKey(1, 0), new RecordKey(0, 5), new RecordKey(0, -1),
        new RecordKey(1, Long.MAX_VALUE), new RecordKey(0, 5)));
    Collections.sort(keys);
    assertEquals(List.of(new RecordKey(0, -1), new RecordKey(0, 5), new RecordKey(0, 5), new RecordKey(1, 0),
        new RecordKey(1, Long.MAX_VALUE)), keys);
    assertEquals(0, new RecordKey(2, 3).compareTo(new RecordKey(2, 3)));
    assertTrue(new RecordKey(2, 3).compareTo(new RecordKey(1, 9)) > 0);
  }

  private static String error(LabelRule r, double label) {
    return assertThrows(DataFormatException.class, () -> r.check(label, "w")).getMessage();
  }

  @Test
  void labelRules() {
    LabelRule c = LabelRule.classes(3);
    c.check(0, "w");
    c.check(2, "w");
    assertEquals("w: label 3.0 is not a class index in [0, 3)", error(c, 3));
    assertEquals("w: label -1.0 is not a class index in [0, 3)", error(c, -1));
    assertEquals("w: label 0.5 is not a class index in [0, 3)", error(c, 0.5));
    assertEquals("w: label is NaN, expected a finite number", error(c, Double.NaN));
    LabelRule regression = LabelRule.classes(0);
    regression.check(-1e30, "w");
    regression.check(0.5, "w");
    assertEquals("w: label is Infinity, expected a finite number", error(regression, Double.POSITIVE_INFINITY));
    LabelRule.IGNORED.check(Double.NaN, "w"); // not required: anything goes
    assertEquals(new LabelRule(0, false), LabelRule.IGNORED);
  }
}
