package dev.dptrain.driver.steps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

class PartitionJobTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();

  @Test
  void resultsComeBackInPartitionOrder() {
    // Partition 0 is the slowest, so it finishes last; its result must still come first.
    JavaRDD<Integer> rdd = sc.parallelize(List.of(0, 1, 2, 3, 4, 5), 6);
    List<Long> out = PartitionJob.run(sc, rdd, i -> {
      if (i == 0) Thread.sleep(200);
      return (long) i * 10;
    }, Long.class);
    assertEquals(List.of(0L, 10L, 20L, 30L, 40L, 50L), out);
  }

  @Test
  void aPartitionWithTwoElementsIsAnError() {
    JavaRDD<Integer> rdd = sc.parallelize(List.of(1, 2, 3), 2);
    SparkException e = assertThrows(SparkException.class, () -> PartitionJob.run(sc, rdd, i -> i, Integer.class));
    assertTrue(e.getMessage().contains("more than one packed block"), e.getMessage());
  }
}
