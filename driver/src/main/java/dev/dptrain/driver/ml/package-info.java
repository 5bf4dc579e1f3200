/**
 * The Spark ML API: {@link dev.dptrain.driver.ml.DptrainClassifier} and
 * {@link dev.dptrain.driver.ml.DptrainRegressor} are Estimators that train with the same loop,
 * data path, progress, metrics and checkpoints as {@code dptrain train}, on any DataFrame with a
 * features column (ML Vector or array&lt;float|double&gt;); their models score on the executors
 * and save as Spark ML metadata plus the versioned dptrain model file, so they work inside
 * Pipelines, CrossValidator and TrainValidationSplit. Params are named after the config keys
 * ({@code batchSize} ↔ {@code train.batch-size}) and take their defaults from the same place.
 */
package dev.dptrain.driver.ml;
