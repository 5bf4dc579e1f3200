package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestAccess;
import dev.dptrain.model.io.SavedModel;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initialModel param: a fit starts from a saved model; another architecture is refused naming the layer. */
class DptrainWarmStartTest {
  @TempDir
  Path dir;

  @Test
  void startsFromTheSavedModelAndRefusesAnotherArchitecture() throws IOException {
    SparkTestAccess.stopSharedContext();
    SparkSession spark = SparkTestAccess.session();
    Dataset<Row> rows = FashionRows.rows(spark, true, 0, 1000).cache();
    DptrainClassifier clf = new DptrainClassifier().setModel(FashionRows.MLP).setOptimizer("adam").setLr(2e-3)
        .setEpochs(1).setBatchSize(50).setProgress("off");
    clf.setFeaturesCol("image");
    DptrainClassificationModel first = clf.fit(rows);
    String path = dir.resolve("first").toString();
    first.write().save(path);

    // plain SGD at a learning rate far below float32 resolution of the weights: the second fit
    // changes nothing, so its parameters are the first model's exactly when it started from them
    DptrainClassificationModel second = clf.copy(new org.apache.spark.ml.param.ParamMap())
        .setOptimizer("sgd").setLr(1e-30).setInitialModel(path + "/model").fit(rows);
    SavedModel a = first.savedModel();
    SavedModel b = second.savedModel();
    assertArrayEquals(a.params(), b.params(), 0f);
    assertArrayEquals(a.standardizer().mean(), b.standardizer().mean(), 0f, "the initial model's standardisation is kept");
    // the same start without the initial model is a fresh initialisation, far from the trained one
    DptrainClassificationModel fresh = clf.copy(new org.apache.spark.ml.param.ParamMap()).setOptimizer("sgd")
        .setLr(1e-30).fit(rows);
    double diff = 0;
    for (int i = 0; i < a.params().length; i++) diff = Math.max(diff, Math.abs(a.params()[i] - fresh.savedModel().params()[i]));
    assertTrue(diff > 1e-3, "a fresh start differs from the trained model: " + diff);

    DptrainClassifier wider = new DptrainClassifier().setModel(FashionRows.MLP.replace("units = 32", "units = 48"))
        .setEpochs(1).setInitialModel(path + "/model").setProgress("off");
    wider.setFeaturesCol("image");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wider.fit(rows));
    assertTrue(e.getMessage().contains("layer 0 is dense(48, he_normal) here, dense(32, he_normal) in the saved model"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    rows.unpersist();
  }
}
