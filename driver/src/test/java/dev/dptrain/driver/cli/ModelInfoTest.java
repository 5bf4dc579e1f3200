package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.RunProvenance;
import dev.dptrain.model.io.SavedModel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dptrain info --model DIR}: the provenance a saved model records, without Spark. */
class ModelInfoTest {
  private static final String CONFIG = "model { input = [3], loss = mse, layers = [ { type = dense, units = 1 } ] }";

  @TempDir
  Path dir;

  private String describe(SavedModel.Provenance p) throws Exception {
    Network net = Network.build(NetworkConfigParser.parse(Conf.parseString(CONFIG, "t").object("model")));
    SavedModel m = new SavedModel(CONFIG, net.initParams(1), net.initState(), Standardizer.NONE, 0, p);
    String modelDir = dir.resolve("m").toString();
    ModelStore.save(m, modelDir, new Configuration());
    return ModelCommands.describe(modelDir);
  }

  @Test
  void showsTheWholeProvenance() throws Exception {
    RunProvenance run = new RunProvenance("{\n    \"train\" : {\n        \"seed\" : 5\n    }\n}",
        Instant.parse("2026-11-30T03:41:07Z"),
        new RunProvenance.Environment("3.5.1", "17.0.9", "Vendor X", "JNIBLAS (/lib/libopenblas.so)", "Linux 6.1", "amd64"),
        new RunProvenance.DataOrigin("idx", List.of("tr-img", "tr-lbl"), List.of("te-img", "te-lbl"), 600, 100));
    String out = describe(new SavedModel.Provenance("1.0.0", 5, 2, 38, Map.of("test.loss", 0.5), run));
    String expected = """
        trained by dptrain 1.0.0, seed 5, 2 epochs, 38 steps
          test.loss = 0.500000
        trained at 2026-11-30T03:41:07Z
        environment: Spark 3.5.1, Java 17.0.9 (Vendor X), Linux 6.1 amd64
        BLAS: JNIBLAS (/lib/libopenblas.so)
        data: idx, train tr-img tr-lbl (600 examples), test te-img te-lbl (100 examples)
        run config:
          {
              "train" : {
                  "seed" : 5
              }
          }
        """;
    assertTrue(out.endsWith(expected), out);
  }

  @Test
  void noTestDataAndVersionOneModels() throws Exception {
    RunProvenance run = new RunProvenance("{}", Instant.EPOCH,
        new RunProvenance.Environment("s", "j", "v", "b", "o", "a"),
        new RunProvenance.DataOrigin("csv", List.of("train.csv"), List.of(), 9, 0));
    String out = describe(new SavedModel.Provenance("1", 1, 1, 1, Map.of(), run));
    assertTrue(out.contains("data: csv, train train.csv (9 examples), no test data\n"), out);
    String old = describe(new SavedModel.Provenance("0.1.0", 1, 1, 1, Map.of()));
    assertTrue(old.endsWith("trained by dptrain 0.1.0, seed 1, 1 epochs, 1 steps\n"
        + "run details: not recorded (model format version 1)\n"), old);
    assertEquals(-1, old.indexOf("run config"));
  }
}
