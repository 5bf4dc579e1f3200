package dev.dptrain.driver.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * A dptrain network with one output and the {@code mse} loss as a Spark ML regressor; trains as
 * {@link DptrainClassifier} does, its model adds {@code prediction}.
 */
public class DptrainRegressor extends Regressor<Vector, DptrainRegressor, DptrainRegressionModel>
    implements DptrainParams<DptrainRegressor>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  public DptrainRegressor(String uid) {
    this(PendingUid.hold(uid), true);
  }

  private DptrainRegressor(String uid, boolean held) {
    this.uid = uid;
    PendingUid.release();
    setDptrainDefaults();
  }

  public DptrainRegressor() {
    this(Identifiable.randomUID("dptrainRegressor"));
  }

  @Override
  public String uid() {
    return PendingUid.of(uid);
  }

  @Override
  public DptrainRegressionModel train(Dataset<?> dataset) {
    return new DptrainRegressionModel(uid, MlTraining.fit(this, dataset, getFeaturesCol(), getLabelCol(), false));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return schema(schema, getFeaturesCol(), getLabelCol(), getPredictionCol());
  }

  /** The regressor's output schema; {@code labelCol} null unless fitting. */
  static StructType schema(StructType schema, String featuresCol, String labelCol, String predictionCol) {
    return MlSchema.output(schema, featuresCol, labelCol, new String[] {predictionCol},
        new DataType[] {DataTypes.DoubleType});
  }

  @Override
  public DptrainRegressor copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DptrainRegressor> read() {
    return new DefaultParamsReader<>();
  }

  public static DptrainRegressor load(String path) {
    return read().load(path);
  }
}
