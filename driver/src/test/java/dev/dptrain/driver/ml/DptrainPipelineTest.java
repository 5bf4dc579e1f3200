package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestAccess;
import dev.dptrain.driver.cli.CliRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pipeline(VectorAssembler → DptrainClassifier) on Fashion-MNIST rows: fitted and saved in one
 * SparkSession, loaded and scored in a new one; Spark's evaluator and {@code dptrain evaluate} on
 * the saved model file agree on the accuracy.
 */
class DptrainPipelineTest {
  @TempDir
  Path dir;

  private static SparkSession newSession() {
    SparkTestAccess.stopSharedContext();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    return SparkTestAccess.session();
  }

  @Test
  void fitSaveLoadInNewSessionMatchesEvaluate() throws IOException {
    String pipelinePath = dir.resolve("pipeline").toString();
    String testParquet = dir.resolve("test.parquet").toString();
    SparkSession first = newSession();
    Dataset<Row> train = FashionRows.rows(first, true, 0, 3000);
    DptrainClassifier clf = new DptrainClassifier().setModel(FashionRows.MLP).setOptimizer("adam").setLr(2e-3)
        .setEpochs(2).setBatchSize(64).setProgress("off");
    clf.setFeaturesCol("features");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler().setInputCols(new String[] {"image"}).setOutputCol("features"), clf});
    PipelineModel fitted = pipeline.fit(train);
    fitted.write().overwrite().save(pipelinePath);
    // the test rows as dptrain evaluate reads them: the assembled features and the label
    Dataset<Row> testRows = FashionRows.rows(first, false, 0, 1000);
    fitted.stages()[0].transform(testRows).select("features", "label").write().parquet(testParquet);
    // what the fitted pipeline gives the test rows in this session, to compare after loading in another
    String firstScored = dir.resolve("first-scored.parquet").toString();
    fitted.transform(testRows).coalesce(1).write().parquet(firstScored);
    first.stop();

    SparkSession second = newSession();
    PipelineModel loaded = PipelineModel.load(pipelinePath);
    Dataset<Row> scored = loaded.transform(FashionRows.rows(second, false, 0, 1000));
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    assertEquals(1000, scored.count());
    assertTrue(scored.columns().length == 6, "image, label, features, prediction, rawPrediction, probability");
    // every column of every row as the fitted pipeline gave it before saving, bit for bit (both read
    // back from one Parquet file each, so that schema nullability and row order compare too)
    String secondScored = dir.resolve("second-scored.parquet").toString();
    scored.coalesce(1).write().parquet(secondScored);
    DataFrames.assertFramesEqual(second.read().parquet(firstScored), second.read().parquet(secondScored));
    second.stop();
    SparkTestAccess.stopSharedContext();

    Path modelFile;
    try (Stream<Path> files = Files.walk(Path.of(pipelinePath))) {
      modelFile = files.filter(p -> p.getFileName().toString().equals("model.dptm")).findFirst().orElseThrow();
    }
    CliRunner.Result r = CliRunner.run("evaluate", "--model", modelFile.getParent().toString(), "--data", testParquet,
        "--features-column", "features", "--label-column", "label", "--master", "local[2]");
    assertEquals(0, r.status(), r.err());
    Matcher m = Pattern.compile("1000 examples .*accuracy ([0-9.]+)").matcher(r.out());
    assertTrue(m.find(), r.out());
    double cli = Double.parseDouble(m.group(1));
    // evaluate prints 6 decimals; both count the same 1000 predictions, so they agree exactly up to that rounding
    assertEquals(cli, accuracy, 1e-6, "Spark's evaluator vs dptrain evaluate");
    assertTrue(accuracy > 0.7, "2 epochs on 3000 images reach well above chance; got " + accuracy);
  }
}
