package dev.dptrain.bench.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark's JSON lines are what scripts/bench/report.py parses; medians skip warm-up steps. */
class TrainBenchTest {
  @Test
  void recordStartsWithSystemModelAndRun() {
    String line = TrainBench.record("dptrain-\"spark\"", "mlp", 2).put("samples_per_s", 1234.5)
        .put("tta_seconds", Double.NaN).put("accuracies", new double[] {0.5, 0.875}).toString();
    assertEquals("{\"system\":\"dptrain-\\\"spark\\\"\",\"model\":\"mlp\",\"run\":2,\"samples_per_s\":1234.5,"
        + "\"tta_seconds\":null,\"accuracies\":[0.5,0.875]}", line);
  }

  @Test
  void medianIgnoresValuesBeforeFrom() {
    long[] steps = {1000, 900, 5, 7, 6};
    assertEquals(6.0, TrainBench.median(steps, 2, 5));
    assertEquals(7.0, TrainBench.median(new long[] {9, 7, 5, 6}, 0, 4)); // upper median of an even count
  }
}
