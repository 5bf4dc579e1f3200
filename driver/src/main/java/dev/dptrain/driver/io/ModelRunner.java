package dev.dptrain.driver.io;

import dev.dptrain.driver.StepPayload;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Distributed inference with a saved model on (already standardised) partitioned data. */
public final class ModelRunner {
  private ModelRunner() {}

  /** Inference-mode loss and accuracy over all partitions. */
  public static Evaluation evaluate(JavaSparkContext sc, SavedModel model, JavaRDD<PackedPartition> data, int depth) {
    Broadcast<NetworkSpec> spec = sc.broadcast(model.spec());
    Broadcast<StepPayload> payload = sc.broadcast(new StepPayload(model.params(), model.state()));
    try {
      return data.map(p -> Worker.get().evaluate(spec.value(), payload.value().params, payload.value().normState, p))
          .treeAggregate(new Evaluation(), Evaluation::merge, Evaluation::merge, depth);
    } finally {
      payload.destroy(false);
      spec.destroy(false);
    }
  }

  /**
   * One row per example: {@code row} (0-based index in the input), {@code prediction} (the
   * argmax class) and {@code p_0 .. p_{k-1}} (class probabilities) for classifiers; {@code row}
   * and {@code output_0 ..} for regression. {@code data} must come from
   * {@link dev.dptrain.driver.PackedData#fromDataset} (contiguous blocks) over {@code total} examples.
   */
  public static org.apache.spark.sql.Dataset<Row> predict(SparkSession spark, SavedModel model,
                                                           JavaRDD<PackedPartition> data, long total) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    NetworkSpec spec = model.spec();
    int width = Network.build(spec).outputSize();
    int classes = model.classes();
    boolean sigmoidPair = classes == 2 && width == 1;
    int partitions = data.getNumPartitions();
    Broadcast<NetworkSpec> specBc = sc.broadcast(spec);
    Broadcast<StepPayload> payload = sc.broadcast(new StepPayload(model.params(), model.state()));
    JavaRDD<Row> rows = data.flatMap(p -> {
      Network net = Worker.get().network(specBc.value());
      int n = p.size();
      int d = p.data().shape().size();
      long first = BatchPlan.blockStart(total, partitions, p.index());
      List<Row> out = new ArrayList<>(n);
      int batch = 512;
      for (int from = 0; from < n; from += batch) {
        int m = Math.min(batch, n - from);
        float[] x = java.util.Arrays.copyOfRange(p.data().features(), from * d, (from + m) * d);
        float[] y = net.predict(payload.value().params, payload.value().normState, x, m);
        for (int i = 0; i < m; i++) out.add(row(first + from + i, y, i * width, width, classes, sigmoidPair));
      }
      return out.iterator();
    });
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("row", DataTypes.LongType, false));
    if (classes > 0) {
      fields.add(DataTypes.createStructField("prediction", DataTypes.IntegerType, false));
      for (int k = 0; k < classes; k++) fields.add(DataTypes.createStructField("p_" + k, DataTypes.DoubleType, false));
    } else {
      for (int k = 0; k < width; k++) fields.add(DataTypes.createStructField("output_" + k, DataTypes.DoubleType, false));
    }
    return spark.createDataFrame(rows, new StructType(fields.toArray(new StructField[0])));
  }

  private static Row row(long index, float[] y, int off, int width, int classes, boolean sigmoidPair) {
    if (classes == 0) {
      Object[] v = new Object[1 + width];
      v[0] = index;
      for (int k = 0; k < width; k++) v[1 + k] = (double) y[off + k];
      return RowFactory.create(v);
    }
    double[] p = sigmoidPair ? new double[] {1 - y[off], y[off]} : new double[classes];
    if (!sigmoidPair) for (int k = 0; k < classes; k++) p[k] = y[off + k];
    int best = 0;
    for (int k = 1; k < classes; k++) if (p[k] > p[best]) best = k;
    Object[] v = new Object[2 + classes];
    v[0] = index;
    v[1] = best;
    for (int k = 0; k < classes; k++) v[2 + k] = p[k];
    return RowFactory.create(v);
  }
}
