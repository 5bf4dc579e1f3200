package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.model.config.Conf;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code spark.conf} keys reach Spark as written, quoted or not. */
class RunConfigSparkConfTest {
  @Test
  void quotedAndUnquotedKeysLoseTheirQuotes() {
    RunConfig rc = RunConfig.parse(Conf.parseString("""
        model { input = [4], layers = [{ type = dense, units = 2 }] }
        data { train-images = "a.idx", train-labels = "b.idx" }
        spark { conf { "spark.authenticate" = "true", spark.driver.memory = 4g, "spark.ui.enabled" = false } }
        """, "run.conf"), "run.conf");
    assertEquals(Map.of("spark.authenticate", "true", "spark.driver.memory", "4g", "spark.ui.enabled", "false"),
        rc.spark().conf());
  }
}
