package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.worker.data.DataSource;
import dev.dptrain.model.config.Conf;
import org.junit.jupiter.api.Test;

/** The {@code data} block's format keys. */
class RunConfigDataTest {
  private static final String MODEL = "model { input = [3], layers = [ { type = dense, units = 2 } ] }\n";

  private static RunConfig parse(String data) {
    return RunConfig.parse(Conf.parseString(MODEL + "data { " + data + " }", "run.conf"), "run.conf");
  }

  @Test
  void csvKeys() {
    RunConfig rc = parse("format = csv, train = \"hdfs:///d/train.csv\", test = t.csv, label-column = y, header = true, delimiter = \";\"");
    DataSource t = rc.data().train();
    assertEquals(new DataSource("csv", "hdfs:///d/train.csv", null, "y", null, true, ';'), t);
    assertEquals("t.csv", rc.data().test().path());
    assertTrue(rc.modelConfig().contains("\"units\":2"), rc.modelConfig());
  }

  @Test
  void parquetAndLibsvmDefaults() {
    DataSource p = parse("format = parquet, train = x.parquet").data().train();
    assertEquals("label", p.labelColumn());
    assertEquals("features", p.featuresColumn());
    RunConfig l = parse("format = libsvm, train = x.libsvm");
    assertEquals("libsvm", l.data().train().format());
    assertNull(l.data().test());
  }

  @Test
  void keysOfAnotherFormatAndBadValuesAreErrors() {
    String msg = assertThrows(Conf.ConfigError.class, () -> parse("format = idx, train-images = a, train-labels = b, train = c"))
        .getMessage();
    assertTrue(msg.contains("data.train"), msg);
    msg = assertThrows(Conf.ConfigError.class, () -> parse("format = csv, train = a.csv, delimiter = \"ab\"")).getMessage();
    assertTrue(msg.contains("data.delimiter") && msg.contains("one character"), msg);
    msg = assertThrows(Conf.ConfigError.class, () -> parse("format = json, train = a")).getMessage();
    assertTrue(msg.contains("data.format"), msg);
    msg = assertThrows(Conf.ConfigError.class, () -> parse("format = csv")).getMessage();
    assertTrue(msg.contains("data.train"), msg);
  }

  /** Early stopping watches validation metrics: without test data the config is refused, naming the key. */
  @Test
  void earlyStoppingNeedsTestData() {
    String msg = assertThrows(Conf.ConfigError.class, () -> RunConfig.parse(Conf.parseString(MODEL
        + "train { early-stopping { patience = 2 } }\ndata { format = csv, train = a.csv }", "run.conf"), "run.conf"))
        .getMessage();
    assertTrue(msg.contains("train.early-stopping") && msg.contains("data.test"), msg);
    RunConfig ok = RunConfig.parse(Conf.parseString(MODEL
        + "train { early-stopping { patience = 2 } }\ndata { format = csv, train = a.csv, test = b.csv }", "run.conf"), "run.conf");
    assertEquals(2, ok.train().earlyStopping().patience());
  }
}
