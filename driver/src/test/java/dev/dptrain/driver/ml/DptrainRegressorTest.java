package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestAccess;
import dev.dptrain.model.Rng;
import dev.dptrain.model.train.TrainSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DptrainRegressor on array&lt;double&gt; features, params and save/load round trip. */
class DptrainRegressorTest {
  private static final String LINEAR = "input = [3], loss = mse, layers = [ { type = dense, units = 1 } ]";

  @TempDir
  Path dir;

  /** y = 2a - b + 0.5c + 1 + noise(0.1). */
  private static Dataset<Row> linear(SparkSession spark, int n, long seed) {
    Rng rng = new Rng(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = rng.nextGaussian();
      double b = rng.nextGaussian();
      double c = rng.nextGaussian();
      rows.add(RowFactory.create(List.of(a, b, c), 2 * a - b + 0.5 * c + 1 + 0.1 * rng.nextGaussian()));
    }
    StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.DoubleType), false)
        .add("y", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /**
   * A user's plain session: Spark's defaults (Java serialization), none of dptrain's settings;
   * the stages must not depend on them.
   */
  @Test
  void fitsSavesAndLoads() throws java.io.IOException {
    SparkTestAccess.stopSharedContext();
    SparkSession spark = SparkSession.builder().master("local[2]").appName("plain")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      fitSaveLoad(spark);
    } finally {
      spark.stop();
    }
  }

  private void fitSaveLoad(SparkSession spark) throws java.io.IOException {
    Dataset<Row> train = linear(spark, 2000, 1);
    DptrainRegressor reg = new DptrainRegressor().setModel(LINEAR).setOptimizer("adam").setLr(0.05).setEpochs(8)
        .setBatchSize(50).setStandardize("none").setProgress("off");
    reg.setFeaturesCol("x").setLabelCol("y");
    DptrainRegressionModel model = reg.fit(train);
    Dataset<Row> test = linear(spark, 500, 2);
    Dataset<Row> scored = model.transform(test);
    double rmse = new RegressionEvaluator().setLabelCol("y").setMetricName("rmse").evaluate(scored);
    // the noise has std 0.1: a fitted linear model gets close to it (the labels' own std is ~2.3)
    assertTrue(rmse < 0.2, "rmse " + rmse);

    String path = dir.resolve("reg").toString();
    model.write().save(path);
    DptrainRegressionModel loaded = DptrainRegressionModel.load(path);
    assertEquals(model.uid(), loaded.uid());
    assertEquals("x", loaded.getFeaturesCol());
    assertEquals(8, loaded.getEpochs());
    // the loaded model computes the same predictions, bit for bit (same engine, same parameters)
    DataFrames.assertFramesEqual(scored, loaded.transform(test));
    // and the comparison sees a shift of the predictions beyond its tolerance, not within it
    Dataset<Row> shifted = scored.withColumn("prediction", scored.col("prediction").plus(1e-3));
    assertThrows(org.opentest4j.AssertionFailedError.class, () -> DataFrames.assertFramesEqual(scored, shifted));
    assertThrows(org.opentest4j.AssertionFailedError.class,
        () -> DataFrames.assertFramesApproximatelyEqual(scored, shifted, 5e-4));
    DataFrames.assertFramesApproximatelyEqual(scored, shifted, 2e-3);
    double[] before = scored.select("prediction").collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    // single-row predict goes through the same forward pass
    Row first = test.first();
    List<Double> x = first.getList(0);
    double one = loaded.predict(org.apache.spark.ml.linalg.Vectors.dense(x.get(0), x.get(1), x.get(2)));
    assertEquals(before[0], one, 0.0);

    DptrainClassifier wrong = new DptrainClassifier().setModel(LINEAR);
    wrong.setFeaturesCol("x").setLabelCol("y");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wrong.fit(train));
    assertTrue(e.getMessage().contains("use DptrainRegressor"), e.getMessage());

    DptrainRegressor est = DptrainRegressor.load(saveEstimator(reg));
    assertEquals(reg.uid(), est.uid());
    assertEquals(0.05, est.getLr());
  }

  private String saveEstimator(DptrainRegressor reg) {
    String path = dir.resolve("est").toString();
    try {
      reg.write().save(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return path;
  }

  @Test
  void paramsDefaultToTheConfigDefaultsAndExplainThemselves() {
    DptrainClassifier c = new DptrainClassifier();
    TrainSpec d = TrainSpec.defaults();
    assertEquals(d.epochs(), c.getEpochs());
    assertEquals(d.batchSize(), c.getBatchSize());
    assertEquals(d.seed(), c.getSeed());
    assertEquals(2, c.getPartitions(), "spark.partitions' default");
    String explained = c.explainParams();
    assertTrue(explained.contains("batchSize: train.batch-size"), explained);
    assertTrue(explained.contains("model: the network"), explained);
    DptrainClassifier copy = c.setLr(0.5).copy(new org.apache.spark.ml.param.ParamMap().put(c.epochs(), 3));
    assertEquals(0.5, copy.getLr());
    assertEquals(3, copy.getEpochs());
    assertEquals(d.epochs(), c.getEpochs(), "copy leaves the original alone");
  }
}
