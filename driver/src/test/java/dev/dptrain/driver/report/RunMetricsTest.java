package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading metrics.jsonl: resumes drop what they repeat, blank lines are skipped, bad lines are named. */
class RunMetricsTest {
  private static String start(long step) {
    return "{\"type\":\"start\",\"step\":" + step + ",\"epoch\":0}\n";
  }

  private static String epoch(int e, long step) {
    return "{\"type\":\"epoch\",\"epoch\":" + e + ",\"step\":" + step + ",\"train_loss\":" + (1.0 / e) + "}\n";
  }

  private static String step(long s) {
    return "{\"type\":\"step\",\"step\":" + s + ",\"loss\":" + s + "}\n";
  }

  @Test
  void aResumeFromAnEarlierCheckpointDropsTheEpochsAndStepsItRepeats() {
    String text = start(0) + step(10) + epoch(1, 10) + step(20) + epoch(2, 20) + step(25)
        + start(10) + step(20) + epoch(2, 20) + "\n   \n" + step(30) + epoch(3, 30);
    RunMetrics m = RunMetrics.parse(text, "m");
    assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(RunMetrics.column(m.epochs, "epoch")).boxed().toList());
    assertEquals(List.of(10.0, 20.0, 30.0), java.util.Arrays.stream(RunMetrics.column(m.steps, "step")).boxed().toList());
    assertEquals(10, m.start.get("step").asLong());
  }

  @Test
  void aColumnIsNaNWhereTheFieldIsMissingNullOrNotANumber() {
    RunMetrics m = RunMetrics.parse(start(0) + "{\"type\":\"step\",\"step\":1,\"lr\":0.5}\n{\"type\":\"step\",\"step\":2,\"lr\":null}\n"
        + "{\"type\":\"step\",\"step\":3,\"lr\":\"fast\"}\n{\"type\":\"step\",\"step\":4}\n", "m");
    double[] lr = RunMetrics.column(m.steps, "lr");
    assertEquals(4, lr.length);
    assertEquals(0.5, lr[0]);
    for (int i = 1; i < 4; i++) assertTrue(Double.isNaN(lr[i]), "step " + (i + 1));
  }

  @Test
  void badRecordsAreNamedByFileAndLine() {
    IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
        () -> RunMetrics.parse(start(0) + "\n{\"type\":\"stop\"}\n" + step(1), "runs/a/metrics.jsonl"));
    assertEquals("runs/a/metrics.jsonl: line 3: expected a record of type start, check, step or epoch, got type 'stop'",
        type.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> RunMetrics.parse(step(1), "x.jsonl"));
    assertEquals("x.jsonl: no start record; is this a dptrain metrics.jsonl?", none.getMessage());
    String sixty = "x".repeat(60);
    IllegalArgumentException shortLine = assertThrows(IllegalArgumentException.class,
        () -> RunMetrics.parse(sixty + "\n" + start(0), "m"));
    assertTrue(shortLine.getMessage().startsWith("m: line 1: expected a JSON object, got '" + sixty + "' ("), shortLine.getMessage());
    IllegalArgumentException longLine = assertThrows(IllegalArgumentException.class,
        () -> RunMetrics.parse(sixty + "y\n" + start(0), "m"));
    assertTrue(longLine.getMessage().startsWith("m: line 1: expected a JSON object, got '" + sixty + "...' ("), longLine.getMessage());
  }

  @Test
  void recordsOfAJsonLinesTextSkipBlankLinesAndNameABadOne() {
    assertEquals(2, RunMetrics.records("{\"a\":1}\n\n  \n{\"b\":2}\n", "check.jsonl").size());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunMetrics.records("{\"a\":1}\n{oops\n", "check.jsonl"));
    assertEquals("check.jsonl: expected a JSON object, got '{oops'", e.getMessage());
  }
}
