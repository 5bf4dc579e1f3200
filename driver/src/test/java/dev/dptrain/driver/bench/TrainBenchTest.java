package dev.dptrain.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's JSON lines are what scripts/bench/report.py parses; medians skip warm-up steps. */
class TrainBenchTest {
  @Test
  void jsonLineHasInsertionOrderQuotingNullsAndLists() {
    String line = new TrainBench.Json().add("system", "dptrain-\"spark\"").add("run", 2)
        .add("samples_per_s", 1234.5).add("tta_seconds", null).add("nan", Double.NaN)
        .add("accuracies", List.of(0.5, 0.875)).toString();
    assertEquals("{\"system\":\"dptrain-\\\"spark\\\"\",\"run\":2,\"samples_per_s\":1234.50,\"tta_seconds\":null,"
        + "\"nan\":null,\"accuracies\":[0.500000,0.875000]}", line);
  }

  @Test
  void medianIgnoresValuesBeforeFrom() {
    long[] steps = {1000, 900, 5, 7, 6};
    assertEquals(6.0, TrainBench.median(steps, 2, 5));
    assertEquals(7.0, TrainBench.median(new long[] {9, 7, 5, 6}, 0, 4)); // upper median of an even count
  }
}
