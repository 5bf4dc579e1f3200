package dev.dptrain.driver.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.model.config.Conf;
import org.junit.jupiter.api.Test;

/** The search block's concurrency keys. */
class SearchConfigTest {
  private static SearchConfig parse(String keys) {
    return SearchConfig.parse(Conf.parseString("search { " + (keys.isEmpty() ? "" : keys + ",")
        + " space = [ { path = \"train.optimizer.lr\", log-uniform = [0.001, 1] } ] }", "s.conf").object("search"));
  }

  @Test
  void parallelTrialsAndTrialPartitions() {
    SearchConfig defaults = parse("");
    assertEquals(0, defaults.parallelTrials(), "auto");
    assertEquals(0, defaults.trialPartitions(), "spark.partitions");
    assertEquals(0, parse("parallel-trials = auto").parallelTrials());
    SearchConfig set = parse("parallel-trials = 3, trial-partitions = 2");
    assertEquals(3, set.parallelTrials());
    assertEquals(2, set.trialPartitions());
    for (String bad : new String[] {"0", "-1", "x", "\"2.5\""}) {
      Conf.ConfigError e = assertThrows(Conf.ConfigError.class, () -> parse("parallel-trials = " + bad));
      assertEquals("s.conf: 1: search.parallel-trials: expected auto or a positive integer, got '"
          + bad.replace("\"", "") + "'", e.getMessage());
    }
    Conf.ConfigError e = assertThrows(Conf.ConfigError.class, () -> parse("trial-partitions = 0"));
    assertEquals("s.conf: 1: search.trial-partitions: expected an integer in [1, 100000], got 0", e.getMessage());
  }
}
