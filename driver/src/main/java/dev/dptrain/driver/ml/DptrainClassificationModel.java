package dev.dptrain.driver.ml;

import dev.dptrain.driver.io.BatchScorer;
import dev.dptrain.model.io.SavedModel;
import java.util.Arrays;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A trained dptrain classifier. {@code transform} scores the rows on the executors in batches
 * ({@link BatchScorer}, as {@code dptrain predict}); {@code prediction} is the most probable
 * class (or, with {@code thresholds}, Spark's scaled choice). Saved as Spark ML metadata plus the
 * dptrain model file in {@code PATH/model} (docs/model-format.md), which {@code dptrain evaluate}
 * and {@code predict} read as they are.
 */
public class DptrainClassificationModel extends ProbabilisticClassificationModel<Vector, DptrainClassificationModel>
    implements DptrainParams<DptrainClassificationModel>, MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final transient SavedModel saved;

  public DptrainClassificationModel(String uid, SavedModel saved) {
    this(PendingUid.hold(uid), saved, true);
  }

  private DptrainClassificationModel(String uid, SavedModel saved, boolean held) {
    this.uid = uid;
    this.saved = saved;
    PendingUid.release();
    setDptrainDefaults();
  }

  @Override
  public String uid() {
    return PendingUid.of(uid);
  }

  /** The dptrain model: network config, parameters, BN statistics, standardisation, provenance. */
  public SavedModel savedModel() {
    return saved;
  }

  @Override
  public int numClasses() {
    return saved.classes();
  }

  @Override
  public int numFeatures() {
    return saved.spec().input().size();
  }

  private boolean sigmoidPair() {
    return saved.classes() == 2 && saved.spec().loss().equals("sigmoid_binary_cross_entropy");
  }

  @Override
  public Vector predictRaw(Vector features) {
    float[] x = new float[features.size()];
    for (int j = 0; j < x.length; j++) x[j] = (float) features.apply(j);
    return Vectors.dense(raw(BatchScorer.one(saved, x)[0], 0, numClasses(), sigmoidPair()));
  }

  @Override
  public Vector raw2probabilityInPlace(Vector raw) {
    DenseVector d = (DenseVector) raw;
    double[] v = d.values();
    if (sigmoidPair()) {
      double p = 1 / (1 + Math.exp(-v[1]));
      v[0] = 1 - p;
      v[1] = p;
    } else {
      double max = Arrays.stream(v).max().orElse(0);
      double sum = 0;
      for (int k = 0; k < v.length; k++) sum += v[k] = Math.exp(v[k] - max);
      for (int k = 0; k < v.length; k++) v[k] /= sum;
    }
    return d;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    int classes = numClasses();
    boolean pair = sigmoidPair();
    boolean[] keep = {!getPredictionCol().isEmpty(), !getRawPredictionCol().isEmpty(), !getProbabilityCol().isEmpty()};
    double[] thresholds = isDefined(thresholds()) ? getThresholds() : null;
    return MlScoring.append(dataset, saved, getFeaturesCol(), out, (row, raw, y, off) -> {
      double[] p = pair ? new double[] {1 - y[off], y[off]} : new double[classes];
      if (!pair) for (int k = 0; k < classes; k++) p[k] = y[off + k];
      Object[] v = new Object[3];
      int n = 0;
      if (keep[0]) v[n++] = (double) choose(p, thresholds);
      if (keep[1]) v[n++] = Vectors.dense(raw(raw, off, classes, pair));
      if (keep[2]) v[n++] = Vectors.dense(p);
      return Arrays.copyOf(v, n);
    });
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return schema(schema, getFeaturesCol(), null, getPredictionCol(), getRawPredictionCol(), getProbabilityCol());
  }

  /** The classifier's output schema; {@code labelCol} null unless fitting. */
  static StructType schema(StructType schema, String featuresCol, String labelCol, String predictionCol,
                           String rawPredictionCol, String probabilityCol) {
    return MlSchema.output(schema, featuresCol, labelCol, new String[] {predictionCol, rawPredictionCol, probabilityCol},
        new DataType[] {DataTypes.DoubleType, MlSchema.VECTOR, MlSchema.VECTOR});
  }

  /** Spark's rule: the most probable class, or the largest probability / threshold. */
  static int choose(double[] p, double[] thresholds) {
    int best = 0;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < p.length; k++) {
      double s = thresholds == null ? p[k] : thresholds[k] == 0 ? Double.POSITIVE_INFINITY : p[k] / thresholds[k];
      if (s > bestScore) {
        best = k;
        bestScore = s;
      }
    }
    return best;
  }

  /** Raw scores: the logits, or (−z, z) for a single sigmoid output z, as Spark's logistic regression. */
  private static double[] raw(float[] raw, int off, int classes, boolean pair) {
    if (pair) return new double[] {-raw[off], raw[off]};
    double[] r = new double[classes];
    for (int k = 0; k < classes; k++) r[k] = raw[off + k];
    return r;
  }

  /** Java sees two inherited signatures (Scala's covariant Tuple3); the raw type overrides both. */
  @Override
  @SuppressWarnings("rawtypes")
  public scala.Tuple3 findSummaryModel() {
    return super.findSummaryModel();
  }

  @Override
  public DptrainClassificationModel copy(ParamMap extra) {
    return copyValues(new DptrainClassificationModel(uid, saved), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelWriter(this, saved);
  }

  public static MLReader<DptrainClassificationModel> read() {
    return new ModelReader<>(DptrainClassificationModel::new);
  }

  public static DptrainClassificationModel load(String path) {
    return read().load(path);
  }
}
