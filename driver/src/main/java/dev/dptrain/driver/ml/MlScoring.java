package dev.dptrain.driver.ml;

import dev.dptrain.driver.io.BatchScorer;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RowRecords;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/** {@code transform} of the models: every row scored on the executors, output columns appended. */
final class MlScoring {
  private MlScoring() {}

  /**
   * The rows of {@code dataset} with the values {@code columns} makes from each row's network
   * output appended, as {@code schema} (the input schema plus those columns).
   */
  static Dataset<Row> append(Dataset<?> dataset, SavedModel model, String featuresCol, StructType schema,
                             BatchScorer.Output<Row, Object[]> columns) {
    Dataset<Row> df = dataset.toDF();
    int at = df.schema().fieldIndex(featuresCol);
    RowRecords reader = new RowRecords(model.spec().input().size(), LabelRule.IGNORED, featuresCol, null);
    BatchScorer scorer = new BatchScorer(JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext()), model);
    JavaRDD<Row> rows = df.javaRDD().mapPartitions(it -> scorer.score(it,
        (row, x, off) -> reader.example(row, at, "column '" + featuresCol + "'").copyTo(x, off),
        (row, raw, y, off) -> {
          Object[] added = columns.row(row, raw, y, off);
          Object[] v = new Object[row.size() + added.length];
          for (int i = 0; i < row.size(); i++) v[i] = row.get(i);
          System.arraycopy(added, 0, v, row.size(), added.length);
          return RowFactory.create(v);
        }));
    return dataset.sparkSession().createDataFrame(rows, schema);
  }
}
