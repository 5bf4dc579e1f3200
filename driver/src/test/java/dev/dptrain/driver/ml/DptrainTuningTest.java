package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestAccess;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** CrossValidator over a 2x2 grid (learning rate x weight decay) of a pipeline with DptrainClassifier. */
class DptrainTuningTest {
  @Test
  void crossValidatorPicksTheBestMeanMetric() {
    SparkTestAccess.stopSharedContext();
    SparkSession spark = SparkTestAccess.session();
    Dataset<Row> rows = FashionRows.rows(spark, true, 0, 1200).cache();
    DptrainClassifier clf = new DptrainClassifier().setModel(FashionRows.MLP).setOptimizer("sgd").setEpochs(1)
        .setBatchSize(16).setStandardize("standardize").setProgress("off");
    clf.setFeaturesCol("features");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"image"}).setOutputCol("features"), clf});
    // lr 1e-4 barely moves from the initialisation in 38 steps; 0.1 learns
    ParamMap[] grid = new ParamGridBuilder()
        .addGrid(clf.lr(), new double[] {1e-4, 0.1})
        .addGrid(clf.weightDecay(), new double[] {0.0, 0.05})
        .build();
    CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setNumFolds(2)
        .setSeed(7).setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"));
    CrossValidatorModel model = cv.fit(rows);

    double[] metrics = model.avgMetrics();
    assertEquals(4, metrics.length);
    int best = 0;
    for (int i = 1; i < metrics.length; i++) if (metrics[i] > metrics[best]) best = i;
    DptrainClassificationModel chosen = (DptrainClassificationModel) ((PipelineModel) model.bestModel()).stages()[1];
    assertEquals((double) grid[best].apply(clf.lr()), chosen.getLr(), "the best model was fitted with the best lr");
    assertEquals((double) grid[best].apply(clf.weightDecay()), chosen.getWeightDecay());
    // the grid matters: the small learning rate stays near its initialisation, the large one learns,
    // and weight decay changes the large one's result
    double lowLr = 0;
    double highLr = 1;
    java.util.List<Double> learnt = new java.util.ArrayList<>();
    for (int i = 0; i < grid.length; i++) {
      if ((double) grid[i].apply(clf.lr()) < 1e-3) lowLr = Math.max(lowLr, metrics[i]);
      else {
        highLr = Math.min(highLr, metrics[i]);
        learnt.add(metrics[i]);
      }
    }
    assertTrue(highLr > lowLr + 0.3, "lr 0.1 should beat 1e-4 clearly: " + java.util.Arrays.toString(metrics));
    assertNotEquals(learnt.get(0), learnt.get(1), "weight decay changes the result");
    rows.unpersist();
  }
}
