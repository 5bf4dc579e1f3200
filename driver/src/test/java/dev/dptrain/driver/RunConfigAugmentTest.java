package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.config.Conf;
import dev.dptrain.model.data.Augmentation;
import org.junit.jupiter.api.Test;

/** A run config checks {@code train.augment} against {@code model.input}. */
class RunConfigAugmentTest {
  private static RunConfig parse(String input, String augment) {
    return RunConfig.parse(Conf.parseString("""
        model { input = %s, layers = [{ type = dense, units = 10 }] }
        train { %s }
        data { train-images = "a.idx", train-labels = "b.idx" }
        """.formatted(input, augment), "run.conf"), "run.conf");
  }

  @Test
  void imageInputTakesAugmentation() {
    assertEquals(new Augmentation(true, 4), parse("[1, 28, 28]", "augment { flip = true, crop-padding = 4 }").train().augment());
    assertEquals(Augmentation.NONE, parse("[784]", "epochs = 1").train().augment());
  }

  @Test
  void vectorInputIsRefusedNamingTheKey() {
    String m = assertThrows(Conf.ConfigError.class, () -> parse("[784]", "augment { flip = true }")).getMessage();
    assertTrue(m.contains("run.conf") && m.contains("train.augment.flip") && m.contains("[784]"), m);
  }
}
