package dev.dptrain.driver.io;

import dev.dptrain.driver.StepPayload;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.io.DataRecipe;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.Worker;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.RecordKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/** Distributed inference with a saved model: evaluation over packed partitions, prediction over records. */
public final class ModelRunner {
  private ModelRunner() {}

  /** Inference-mode loss and accuracy of a saved model over all partitions. */
  public static Evaluation evaluate(JavaSparkContext sc, SavedModel model, JavaRDD<PackedPartition> data, int depth) {
    return evaluate(sc, model.spec(), model.params(), model.state(), data, depth);
  }

  /**
   * The one distributed evaluation (validation during training, the final figures, {@code evaluate}):
   * inference-mode loss and accuracy of every partition, combined by a {@code treeAggregate} of
   * this depth.
   */
  public static Evaluation evaluate(JavaSparkContext sc, NetworkSpec net, float[] params, float[] normState,
                                    JavaRDD<PackedPartition> data, int depth) {
    Broadcast<NetworkSpec> spec = sc.broadcast(net);
    Broadcast<StepPayload> payload = sc.broadcast(new StepPayload(params, normState));
    try {
      return data.map(p -> Worker.get().evaluate(spec.value(), payload.value().params, payload.value().normState, p))
          .treeAggregate(new Evaluation(), Evaluation::merge, Evaluation::merge, depth);
    } finally {
      payload.destroy(false);
      spec.destroy(false);
    }
  }

  /**
   * One row per input record, in input order (file by file, each in its own order): {@code row}
   * (0-based index in the input), {@code prediction} (the argmax class, written as the file's
   * label value when the model maps labels: a number, or a string when any label is one) and
   * {@code p_0 .. p_{k-1}} (class probabilities, in class order) for classifiers; {@code row} and
   * {@code output_0 ..} for regression, in the units of the training targets (a target
   * standardisation is undone). The records are scored where they are read, in batches, with the
   * model's standardisation.
   */
  public static org.apache.spark.sql.Dataset<Row> predict(SparkSession spark, SavedModel model,
                                                           JavaPairRDD<RecordKey, Example> records) {
    return predict(spark, model, records, List.of());
  }

  /**
   * As {@link #predict(SparkSession, SavedModel, JavaPairRDD)}, with the records' kept columns
   * (see {@code DistributedData.records} with keep) as string columns named {@code keep} after
   * {@code row}.
   */
  public static org.apache.spark.sql.Dataset<Row> predict(SparkSession spark, SavedModel model,
                                                           JavaPairRDD<RecordKey, Example> records, List<String> keep) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    BatchScorer scorer = new BatchScorer(sc, model);
    int width = scorer.width();
    int classes = model.classes();
    boolean sigmoidPair = classes == 2 && width == 1;
    DataRecipe recipe = model.recipe();
    LabelValues labels = recipe.labels();
    JavaPairRDD<Tuple2<RecordKey, Example>, Long> indexed = records.sortByKey().zipWithIndex();
    JavaRDD<Row> rows = indexed.mapPartitions(it -> scorer.score(it, (t, x, off) -> t._1()._2().copyTo(x, off),
        (t, raw, y, off) -> withKept(row(t._2(), y, off, width, classes, sigmoidPair, recipe), t._1()._2().kept())));
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("row", DataTypes.LongType, false));
    for (String k : keep) {
      fields.add(DataTypes.createStructField(k.equals("row") ? "input_row" : k, DataTypes.StringType, true));
    }
    if (classes > 0) {
      fields.add(DataTypes.createStructField("prediction", !labels.mapped() ? DataTypes.IntegerType
          : labels.numeric() ? DataTypes.DoubleType : DataTypes.StringType, false));
      for (int k = 0; k < classes; k++) fields.add(DataTypes.createStructField("p_" + k, DataTypes.DoubleType, false));
    } else {
      for (int k = 0; k < width; k++) fields.add(DataTypes.createStructField("output_" + k, DataTypes.DoubleType, false));
    }
    return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
  }

  /** The row with the kept values inserted after {@code row}. */
  private static Row withKept(Row r, String[] kept) {
    if (kept == null) return r;
    Object[] v = new Object[r.size() + kept.length];
    v[0] = r.get(0);
    System.arraycopy(kept, 0, v, 1, kept.length);
    for (int i = 1; i < r.size(); i++) v[kept.length + i] = r.get(i);
    return RowFactory.create(v);
  }

  private static Row row(long index, float[] y, int off, int width, int classes, boolean sigmoidPair,
                         DataRecipe recipe) {
    if (classes == 0) {
      Object[] v = new Object[1 + width];
      v[0] = index;
      for (int k = 0; k < width; k++) v[1 + k] = recipe.target(y[off + k]);
      return RowFactory.create(v);
    }
    double[] p = sigmoidPair ? new double[] {1 - y[off], y[off]} : new double[classes];
    if (!sigmoidPair) for (int k = 0; k < classes; k++) p[k] = y[off + k];
    int best = 0;
    for (int k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
    Object[] v = new Object[2 + classes];
    v[0] = index;
    LabelValues labels = recipe.labels();
    v[1] = !labels.mapped() ? (Object) best : labels.numeric() ? (Object) Double.parseDouble(labels.values().get(best))
        : labels.values().get(best);
    for (int k = 0; k < classes; k++) v[2 + k] = p[k];
    return RowFactory.create(v);
  }
}
