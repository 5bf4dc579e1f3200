/**
 * In-memory data for the engine: packed examples ({@link dev.dptrain.model.data.Dataset},
 * {@link dev.dptrain.model.data.Examples}) that trainers copy batches out of, the input
 * standardisation fitted on the training data and stored with the model (with its mergeable
 * {@link dev.dptrain.model.data.Moments}), seeded image augmentation, and the local IDX reader.
 * Nothing here knows Spark; reading files on executors lives in {@code worker.data}.
 */
package dev.dptrain.model.data;
