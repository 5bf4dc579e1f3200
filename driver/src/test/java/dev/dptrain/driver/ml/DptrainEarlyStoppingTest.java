package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestAccess;
import dev.dptrain.driver.metrics.JsonLine;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.train.TrainSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Early stopping as params of the ML stages: the same TrainSpec, the same model as the trainConfig route. */
class DptrainEarlyStoppingTest {
  private static DptrainClassifier classifier() {
    DptrainClassifier clf = new DptrainClassifier().setModel(FashionRows.MLP).setOptimizer("sgd").setLr(0.1)
        .setBatchSize(50).setSeed(5).setProgress("off");
    clf.setFeaturesCol("image");
    return clf;
  }

  /** No Spark: the params build the config's early-stopping block, defaults and all. */
  @Test
  void paramsStandForTheConfigsBlock() {
    DptrainClassifier clf = classifier();
    assertEquals("off", clf.getEarlyStoppingMetric());
    assertEquals(EarlyStopping.DEFAULT_PATIENCE, clf.getEarlyStoppingPatience());
    assertNull(clf.trainSpec(clf.networkSpec()).earlyStopping(), "off by default, as the config");
    TrainSpec on = clf.copy(new ParamMap()).setEarlyStoppingMetric("validation-accuracy").trainSpec(clf.networkSpec());
    assertEquals(new EarlyStopping(EarlyStopping.Metric.VALIDATION_ACCURACY, 3, 0), on.earlyStopping());
    TrainSpec tuned = clf.copy(new ParamMap()).setEarlyStoppingMetric("validation-loss").setEarlyStoppingPatience(2)
        .setEarlyStoppingMinDelta(0.01).trainSpec(clf.networkSpec());
    assertEquals(new EarlyStopping(EarlyStopping.Metric.VALIDATION_LOSS, 2, 0.01), tuned.earlyStopping());
    // the params win over trainConfig, and "off" removes its block
    DptrainClassifier viaConfig = clf.copy(new ParamMap()).setTrainConfig("early-stopping { patience = 7 }");
    assertEquals(7, viaConfig.trainSpec(clf.networkSpec()).earlyStopping().patience());
    assertEquals(4, viaConfig.copy(new ParamMap()).setEarlyStoppingPatience(4).trainSpec(clf.networkSpec())
        .earlyStopping().patience());
    assertNull(viaConfig.copy(new ParamMap()).setEarlyStoppingMetric("off").trainSpec(clf.networkSpec()).earlyStopping());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> clf.copy(new ParamMap()).setEarlyStoppingPatience(2).trainSpec(clf.networkSpec()));
    assertTrue(e.getMessage().contains("earlyStoppingPatience is set but early stopping is off"), e.getMessage());
    assertThrows(RuntimeException.class,
        () -> clf.copy(new ParamMap()).setEarlyStoppingMetric("accuracy").trainSpec(clf.networkSpec()));
  }

  /**
   * patience 1 with a min-delta no second epoch can beat: training stops after epoch 2 and keeps
   * epoch 1, whose parameters are those of a 1-epoch fit (a constant learning rate: the first epoch
   * does not depend on how many follow); the trainConfig route gives the same bytes.
   */
  @Test
  void stopsEarlyKeepsTheBestEpochAndMatchesTheTrainConfigRoute() {
    SparkTestAccess.stopSharedContext();
    SparkSession spark = SparkTestAccess.session();
    Dataset<Row> rows = FashionRows.rows(spark, true, 0, 800).withColumn("isVal", functions.lit(false))
        .union(FashionRows.rows(spark, true, 800, 200).withColumn("isVal", functions.lit(true))).cache();
    DptrainClassifier clf = classifier().setValidationIndicatorCol("isVal");

    SavedModel stopped = clf.copy(new ParamMap()).setEpochs(20).setEarlyStoppingMetric("validation-loss")
        .setEarlyStoppingPatience(1).setEarlyStoppingMinDelta(5.0).fit(rows).savedModel();
    assertEquals(2 * 16, stopped.provenance().steps(), "stopped after epoch 2 of 20 (16 steps per epoch)");
    SavedModel oneEpoch = clf.copy(new ParamMap()).setEpochs(1).fit(rows).savedModel();
    assertArrayEquals(oneEpoch.params(), stopped.params(), 0f, "the best epoch's parameters, bit for bit");
    SavedModel viaConfig = clf.copy(new ParamMap()).setEpochs(20)
        .setTrainConfig("early-stopping { metric = validation-loss, patience = 1, min-delta = 5.0 }").fit(rows).savedModel();
    assertArrayEquals(stopped.params(), viaConfig.params(), 0f);
    assertArrayEquals(stopped.state(), viaConfig.state(), 0f);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> classifier().setEpochs(2).setEarlyStoppingMetric("validation-loss").fit(rows));
    assertTrue(e.getMessage().contains("set validationIndicatorCol"), e.getMessage());
    rows.unpersist();
  }

  /**
   * The saved model records the validation figures of the kept epoch as the CLI records its test
   * data's: epoch 1 here (training stops after epoch 2, whose validation loss differs), equal to the
   * fit's own history (metrics.jsonl, compared at the 7 digits it prints), with the early-stopping
   * outcome; all of it read back through MLWritable.
   */
  @Test
  void theSavedModelRecordsTheKeptEpochsValidationFigures(@TempDir Path dir) throws IOException {
    SparkSession spark = SparkTestAccess.session();
    Dataset<Row> rows = FashionRows.rows(spark, true, 0, 800).withColumn("isVal", functions.lit(false))
        .union(FashionRows.rows(spark, true, 800, 200).withColumn("isVal", functions.lit(true)));
    String metricsDir = dir.resolve("metrics").toString();
    String modelDir = dir.resolve("model").toString();
    classifier().setValidationIndicatorCol("isVal").setEpochs(20).setEarlyStoppingMetric("validation-loss")
        .setEarlyStoppingPatience(1).setEarlyStoppingMinDelta(5.0).setMetricsDir(metricsDir).fit(rows)
        .write().save(modelDir);
    SavedModel.Provenance saved = DptrainClassificationModel.load(modelDir).savedModel().provenance();

    List<String> epochs = Files.readAllLines(Path.of(metricsDir, "metrics.jsonl")).stream()
        .filter(l -> l.contains("\"type\":\"epoch\"")).toList();
    assertEquals(2, epochs.size(), "stopped after epoch 2");
    String kept = epochs.get(0);
    assertNotEquals(field(kept, "validation_loss"), field(epochs.get(1), "validation_loss"));
    Map<String, Double> m = saved.metrics();
    for (String[] pair : new String[][] {{"test.loss", "validation_loss"}, {"test.accuracy", "validation_accuracy"}}) {
      Double v = m.get(pair[0]);
      assertTrue(v != null && Double.isFinite(v), pair[0] + " in " + m);
      assertEquals(field(kept, pair[1]), field(new JsonLine().put(pair[1], v).toString(), pair[1]), pair[0]);
    }
    assertEquals(200.0, m.get("test.examples"));
    assertEquals(200, saved.run().data().testExamples());
    assertEquals(1.0, m.get("early-stopping.best-epoch"));
    assertEquals(2.0, m.get("early-stopping.stopped-after-epoch"));
    assertEquals(800.0, m.get("train.examples"));
  }

  /** The value of {@code key} in one metrics.jsonl line, as written. */
  private static String field(String jsonLine, String key) {
    Matcher v = Pattern.compile("\"" + key + "\":([^,}]+)").matcher(jsonLine);
    assertTrue(v.find(), key + " in " + jsonLine);
    return v.group(1);
  }
}
