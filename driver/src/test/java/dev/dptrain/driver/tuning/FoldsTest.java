package dev.dptrain.driver.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.data.PackedData;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.worker.PackedPartition;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

class FoldsTest {
  /** 5 partitions, 2 folds: fold 0 validates on partitions 0, 2, 4 and trains on 1, 3 re-numbered 0, 1. */
  @Test
  void foldsArePartitionGroupsAndTrainingPartitionsAreRenumbered() {
    Dataset d = SparkTestSupport.blobs(103, 3, 2, 5);
    JavaRDD<PackedPartition> all = PackedData.fromDataset(SparkTestSupport.sc(), d, 5);
    List<long[]> sizes = all.map(p -> new long[] {p.index(), p.size()}).collect();
    for (int f = 0; f < 2; f++) {
      JavaRDD<PackedPartition> train = Folds.train(all, 2, f);
      JavaRDD<PackedPartition> val = Folds.validation(all, 2, f);
      List<long[]> t = train.map(p -> new long[] {p.index(), p.size()}).collect();
      List<long[]> v = val.map(p -> new long[] {p.index(), p.size()}).collect();
      int fold = f;
      List<long[]> expectTrain = sizes.stream().filter(s -> s[0] % 2 != fold).toList();
      List<long[]> expectVal = sizes.stream().filter(s -> s[0] % 2 == fold).toList();
      assertEquals(expectTrain.size(), t.size());
      for (int i = 0; i < t.size(); i++) {
        assertEquals(i, t.get(i)[0], "training partition i holds block i");
        assertEquals(expectTrain.get(i)[1], t.get(i)[1]);
      }
      assertEquals(expectVal.stream().map(s -> s[0]).toList(), v.stream().map(s -> s[0]).toList());
      assertEquals(d.size(), t.stream().mapToLong(s -> s[1]).sum() + v.stream().mapToLong(s -> s[1]).sum());
    }
    assertThrows(IllegalArgumentException.class, () -> Folds.train(all, 6, 0), "more folds than partitions");
  }
}
