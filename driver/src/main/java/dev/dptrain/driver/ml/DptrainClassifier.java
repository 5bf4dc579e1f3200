package dev.dptrain.driver.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A dptrain network as a Spark ML classifier (softmax cross-entropy, or a single sigmoid output
 * for two classes): {@code fit} trains on the executors exactly as {@code dptrain train} does;
 * the model adds {@code prediction}, {@code rawPrediction} (logits) and {@code probability}.
 * <pre>
 *   new DptrainClassifier().setModel("input = [784], layers = [...], loss = softmax_cross_entropy")
 *       .setOptimizer("adam").setLr(1e-3).setEpochs(5).setFeaturesCol("features").fit(df)
 * </pre>
 */
public class DptrainClassifier extends ProbabilisticClassifier<Vector, DptrainClassifier, DptrainClassificationModel>
    implements DptrainParams<DptrainClassifier>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private final String uid;

  public DptrainClassifier(String uid) {
    this(PendingUid.hold(uid), true);
  }

  private DptrainClassifier(String uid, boolean held) {
    this.uid = uid;
    PendingUid.release();
    setDptrainDefaults();
  }

  public DptrainClassifier() {
    this(Identifiable.randomUID("dptrainClassifier"));
  }

  @Override
  public String uid() {
    return PendingUid.of(uid);
  }

  @Override
  public DptrainClassificationModel train(Dataset<?> dataset) {
    return new DptrainClassificationModel(uid, MlTraining.fit(this, dataset, getFeaturesCol(), getLabelCol(), true));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return DptrainClassificationModel.schema(schema, getFeaturesCol(), getLabelCol(), getPredictionCol(),
        getRawPredictionCol(), getProbabilityCol());
  }

  @Override
  public DptrainClassifier copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DptrainClassifier> read() {
    return new DefaultParamsReader<>();
  }

  public static DptrainClassifier load(String path) {
    return read().load(path);
  }
}
