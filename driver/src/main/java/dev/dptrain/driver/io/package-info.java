/**
 * Saved models on any Hadoop file system: {@link dev.dptrain.driver.io.ModelStore} writes and reads
 * the model file atomically (its format is {@code model.io.ModelCodec}), and
 * {@link dev.dptrain.driver.io.ModelRunner} evaluates or predicts with a saved model over an RDD;
 * {@link dev.dptrain.driver.io.BatchScorer} is the batched inference on the executors behind
 * {@code predict} and the Spark ML models' {@code transform};
 * {@link dev.dptrain.driver.io.PredictionWriter} writes the predictions atomically.
 */
package dev.dptrain.driver.io;
