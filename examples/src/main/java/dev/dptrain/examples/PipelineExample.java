package dev.dptrain.examples;

import dev.dptrain.driver.ml.DptrainClassificationModel;
import dev.dptrain.driver.ml.DptrainClassifier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The Spark ML API from Java: a Pipeline of VectorAssembler, StandardScaler and DptrainClassifier,
 * fitted on a DataFrame made on the executors (three Gaussian blobs in 4 dimensions), evaluated,
 * saved and loaded back. Run from the repository root:
 * <pre>
 *   mvn -q -B -pl examples -am package -DskipTests
 *   source scripts/lib.sh; dptrain_build
 *   java $(dptrain_jvm_opts) -cp examples/target/classes:$(dptrain_classpath) \
 *       dev.dptrain.examples.PipelineExample [OUTPUT_DIR]
 * </pre>
 */
public final class PipelineExample {
  private PipelineExample() {}

  public static void main(String[] args) throws Exception {
    String out = args.length > 0 ? args[0] : "target/pipeline-example";
    SparkSession spark = SparkSession.builder().appName("dptrain PipelineExample")
        .master(System.getProperty("spark.master", "local[2]")).getOrCreate();
    Dataset<Row> rows = blobs(spark, 6000, 1);
    Dataset<Row>[] split = rows.randomSplit(new double[] {0.8, 0.2}, 7);

    DptrainClassifier clf = new DptrainClassifier()
        .setModel("input = [4], loss = softmax_cross_entropy, layers = ["
            + "{ type = dense, units = 16 }, { type = relu }, { type = dense, units = 3 } ]")
        .setOptimizer("adam").setLr(0.01).setEpochs(5).setBatchSize(64).setStandardize("none");
    clf.setFeaturesCol("scaled");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"a", "b", "c", "d"}).setOutputCol("features"),
        new StandardScaler().setInputCol("features").setOutputCol("scaled"),
        clf});
    PipelineModel model = pipeline.fit(split[0]);
    System.out.println(((DptrainClassificationModel) model.stages()[2]).explainParams());

    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
    System.out.printf("held-out accuracy %.4f%n", accuracy.evaluate(model.transform(split[1])));
    model.write().overwrite().save(out);
    PipelineModel loaded = PipelineModel.load(out);
    System.out.printf("loaded from %s: held-out accuracy %.4f%n", out, accuracy.evaluate(loaded.transform(split[1])));
    spark.stop();
  }

  /** n rows of three Gaussian blobs (label 0, 1, 2) in columns a..d, drawn on the executors. */
  static Dataset<Row> blobs(SparkSession spark, long n, long seed) {
    Dataset<Row> ids = spark.range(n).withColumn("label", functions.col("id").mod(3).cast("double"));
    for (String c : new String[] {"a", "b", "c", "d"}) {
      long s = seed + c.charAt(0);
      ids = ids.withColumn(c, functions.col("label").multiply(functions.lit(c.equals("a") || c.equals("c") ? 2 : -1.5))
          .plus(functions.randn(s)));
    }
    return ids.drop("id");
  }
}
