package dev.dptrain.driver.ml;

import dev.dptrain.driver.io.BatchScorer;
import dev.dptrain.model.io.SavedModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** A trained dptrain regressor: {@code transform} scores on the executors ({@link BatchScorer}). */
public class DptrainRegressionModel extends RegressionModel<Vector, DptrainRegressionModel>
    implements DptrainParams<DptrainRegressionModel>, MLWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;
  private final transient SavedModel saved;

  public DptrainRegressionModel(String uid, SavedModel saved) {
    this(PendingUid.hold(uid), saved, true);
  }

  private DptrainRegressionModel(String uid, SavedModel saved, boolean held) {
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
  public int numFeatures() {
    return saved.spec().input().size();
  }

  @Override
  public double predict(Vector features) {
    float[] x = new float[features.size()];
    for (int j = 0; j < x.length; j++) x[j] = (float) features.apply(j);
    return BatchScorer.one(saved, x)[1][0];
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    if (getPredictionCol().isEmpty()) return dataset.toDF();
    return MlScoring.append(dataset, saved, getFeaturesCol(), out, (row, raw, y, off) -> new Object[] {(double) y[off]});
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return DptrainRegressor.schema(schema, getFeaturesCol(), null, getPredictionCol());
  }

  @Override
  public DptrainRegressionModel copy(ParamMap extra) {
    return copyValues(new DptrainRegressionModel(uid, saved), extra).setParent(parent());
  }

  @Override
  public MLWriter write() {
    return new ModelWriter(this, saved);
  }

  public static MLReader<DptrainRegressionModel> read() {
    return new ModelReader<>(DptrainRegressionModel::new);
  }

  public static DptrainRegressionModel load(String path) {
    return read().load(path);
  }
}
