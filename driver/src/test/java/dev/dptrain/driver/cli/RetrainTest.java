package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dptrain retrain} on local Spark: the first candidate is promoted, a warm-started good one
 * replaces it, a deliberately bad one (lr 10) is refused with exit status 7 and the current model
 * stays as it was; a rerun after a crash resumes the candidate from its checkpoint.
 */
class RetrainTest {
  private static final String FASHION = "/usr/share/datasets/fashion-mnist/";

  @TempDir
  Path dir;

  private Path config(String name, String optimizer, int epochs, String outputDir) throws Exception {
    Path p = dir.resolve(name + ".conf");
    Files.writeString(p, """
        model {
          input = [784]
          loss = softmax_cross_entropy
          layers = [ { type = dense, units = 32, init = he_normal }, { type = relu }, { type = dense, units = 10 } ]
        }
        train { epochs = %d, batch-size = 50, seed = 3, optimizer { %s } }
        data {
          format = idx
          train-images = "%strain-images-idx3-ubyte.gz"
          train-labels = "%strain-labels-idx1-ubyte.gz"
          test-images = "%st10k-images-idx3-ubyte.gz"
          test-labels = "%st10k-labels-idx1-ubyte.gz"
          limit = 2000
        }
        spark { master = "local[2]", partitions = 2 }
        output { dir = "%s", checkpoint-every = 10, progress = off }
        """.formatted(epochs, optimizer, FASHION, FASHION, FASHION, FASHION, outputDir));
    return p;
  }

  @Test
  void promotesGoodCandidatesRefusesABadOneAndResumes() throws Exception {
    SparkTestSupport.stop(); // the commands start (and stop) their own Spark
    Path models = dir.resolve("models");
    String work = models.resolve("work").toString();
    Path good = config("good", "type = adam, lr = 0.002", 1, "unused");
    Path bad = config("bad", "type = sgd, lr = 10", 1, "unused");

    CliRunner.Result first = CliRunner.run("retrain", good.toString(), "--models", models.toString());
    assertEquals(0, first.status(), first.out() + first.err());
    assertTrue(first.out().contains("current model none"), first.out());
    assertTrue(Files.exists(models.resolve("versions/v0001/PROMOTED")));
    assertTrue(Files.exists(models.resolve("versions/v0001/model/model.dptm")));
    assertTrue(Files.readString(models.resolve("versions/v0001/config.conf")).contains("lr = 0.002"));

    CliRunner.Result second = CliRunner.run("retrain", good.toString(), "--models", models.toString(),
        "--margin", "0.01", "--keep", "1");
    assertEquals(0, second.status(), second.out() + second.err());
    assertTrue(second.out().contains("warm start from"), second.out());
    String record = Files.readString(models.resolve("versions/v0002/retrain.properties"));
    assertTrue(record.contains("decision=promoted") && record.contains("previous.accuracy="), record);
    assertFalse(Files.exists(models.resolve("versions/v0001")), "--keep 1 prunes the older version");
    byte[] current = Files.readAllBytes(models.resolve("versions/v0002/model/model.dptm"));

    CliRunner.Result refused = CliRunner.run("retrain", bad.toString(), "--models", models.toString());
    assertEquals(7, refused.status(), refused.out() + refused.err());
    assertTrue(refused.out().contains("not promoted"), refused.out());
    assertTrue(Files.exists(models.resolve("rejected/v0003/model")) || refused.out().contains("diverged"), refused.out());
    assertTrue(Files.exists(models.resolve("rejected/v0003/retrain.properties")));
    assertFalse(Files.exists(models.resolve("versions/v0003")));
    assertArrayEquals(current, Files.readAllBytes(models.resolve("versions/v0002/model/model.dptm")),
        "the current model is untouched");
    assertFalse(Files.exists(Path.of(work)), "the candidate's run left the work directory");

    // train.init-from with another architecture: refused before any data is read, naming the layer
    Path wide = dir.resolve("wide.conf");
    Files.writeString(wide, Files.readString(good).replace("units = 32", "units = 64")
        .replace("epochs = 1,", "epochs = 1, init-from = \"" + models.resolve("versions/v0002/model") + "\",")
        .replace("\"unused\"", "\"" + dir.resolve("wide") + "\""));
    CliRunner.Result refusedInit = CliRunner.run("train", wide.toString());
    assertEquals(4, refusedInit.status(), refusedInit.out() + refusedInit.err());
    assertTrue(refusedInit.err().contains("layer 0 is dense(64, he_normal) here, dense(32, he_normal) in the saved model"),
        refusedInit.err());
    assertEquals(1, refusedInit.err().lines().count(), refusedInit.err());

    // a crash after the first of two epochs: the run directory holds that epoch's checkpoint
    String init = "file:" + models.resolve("versions/v0002/model");
    CliRunner.Result partial = CliRunner.run("train", config("partial", "type = adam, lr = 0.002", 1, work).toString(),
        "--init-from", init);
    assertEquals(0, partial.status(), partial.out() + partial.err());
    CliRunner.Result resumed = CliRunner.run("retrain", config("two", "type = adam, lr = 0.002", 2, "unused").toString(),
        "--models", models.toString(), "--margin", "0.05");
    assertTrue(resumed.out().contains("epoch 2/2") && !resumed.out().contains("epoch 1/2"),
        "the rerun trains only the second epoch:\n" + resumed.out() + resumed.err());
    assertEquals(0, resumed.status(), resumed.out() + resumed.err());
  }
}
