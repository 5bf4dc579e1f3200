package dev.dptrain.driver.cli;

import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.train.TrainingState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures a trained model is saved with (its provenance metrics), the same for {@code dptrain
 * train} and the Spark ML fit: the final state (with early stopping, the kept epoch's parameters)
 * evaluated on the training data as {@code train.*} and on the test data (the fit's validation
 * rows), when there is some, as {@code test.*}; then the early-stopping outcome
 * ({@link EarlyStopping#outcome}).
 *
 * @param values the metrics in that order
 * @param test the test evaluation, null without test data
 */
public record FinalMetrics(Map<String, Double> values, Evaluation test) {
  /** Evaluates {@code state} on {@code data}; {@code earlyStopping} null when the run had none. */
  public static FinalMetrics of(SparkTrainer trainer, TrainingState state, TrainingData data,
                                EarlyStopping earlyStopping) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    put(metrics, "train", trainer.evaluate(data.trainRdd(), state));
    Evaluation test = data.testRdd() == null ? null : trainer.evaluate(data.testRdd(), state);
    if (test != null) put(metrics, "test", test);
    if (earlyStopping != null) metrics.putAll(earlyStopping.outcome(state));
    return new FinalMetrics(Collections.unmodifiableMap(metrics), test);
  }

  /** The test examples evaluated, 0 without test data. */
  public long testExamples() {
    return test == null ? 0 : test.count;
  }

  private static void put(Map<String, Double> metrics, String prefix, Evaluation e) {
    metrics.put(prefix + ".loss", e.meanLoss());
    if (e.hasAccuracy) metrics.put(prefix + ".accuracy", e.accuracy());
    if (e.hasRegression()) {
      metrics.put(prefix + ".mse", e.mse());
      metrics.put(prefix + ".rmse", e.rmse());
      metrics.put(prefix + ".mae", e.mae());
      metrics.put(prefix + ".r2", e.r2());
    }
    metrics.put(prefix + ".examples", (double) e.count);
  }
}
