package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.io.RunProvenance;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a run records about itself in the saved model. */
class RunConfigProvenanceTest {
  private static final String MODEL = "model { input = [3], layers = [ { type = dense, units = 2 } ] }\n";

  private static RunConfig parse(String rest) {
    return RunConfig.parse(Conf.parseString(MODEL + rest, "run.conf"), "run.conf");
  }

  @Test
  void textIsTheWholeResolvedConfigWithCredentialsRedacted() {
    RunConfig rc = parse("""
        train { seed = 17, optimizer { type = sgd, lr = 0.25 } }
        data { format = libsvm, train = "s3a://b/train.svm" }
        spark { conf { "spark.hadoop.fs.s3a.secret.key" = "S3CR3T", "spark.hadoop.fs.s3a.access.key" = "AKIA1",
                       "spark.ui.enabled" = "false", "spark.x.password" = "pw", "spark.y.token" = "tk" } }
        """);
    String t = rc.text();
    var back = ConfigFactory.parseString(t);
    assertEquals(17, back.getInt("train.seed"));
    assertEquals(0.25, back.getDouble("train.optimizer.lr"));
    assertEquals("s3a://b/train.svm", back.getString("data.train"));
    assertEquals(2, back.getConfigList("model.layers").get(0).getInt("units"));
    assertEquals("false", back.getString("spark.conf.\"spark.ui.enabled\""));
    for (String key : List.of("spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.access.key", "spark.x.password",
        "spark.y.token")) {
      assertEquals("<redacted>", back.getString("spark.conf.\"" + key + "\""), key);
    }
    for (String secret : List.of("S3CR3T", "AKIA1", "pw\"", "tk\"")) assertFalse(t.contains(secret), secret + " in " + t);
    assertTrue(t.contains("\n"), "formatted over lines for dptrain info");
  }

  @Test
  void dataOriginNamesEveryPathRead() {
    RunConfig idx = parse("data { train-images = a, train-labels = b, test-images = c, test-labels = d }");
    RunProvenance p = idx.provenance("3.5.0", 60, 10);
    assertEquals(new RunProvenance.DataOrigin("idx", List.of("a", "b"), List.of("c", "d"), 60, 10), p.data());
    assertEquals("3.5.0", p.environment().spark());
    assertEquals(idx.text(), p.config());
    RunProvenance csv = parse("data { format = csv, train = t.csv }").provenance("3.5.0", 5, 0);
    assertEquals(new RunProvenance.DataOrigin("csv", List.of("t.csv"), List.of(), 5, 0), csv.data());
  }

  @Test
  void sparkVersionIsTheOneOnTheClasspath() {
    assertTrue(SparkSessions.sparkVersion().startsWith("3.5."), SparkSessions.sparkVersion());
  }
}
