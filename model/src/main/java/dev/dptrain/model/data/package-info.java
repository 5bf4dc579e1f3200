/**
 * In-memory data for the engine: packed examples ({@link dev.dptrain.model.data.Dataset},
 * {@link dev.dptrain.model.data.Examples}) that trainers copy batches out of, the input
 * standardisation fitted on the training data and stored with the model (with its mergeable
 * {@link dev.dptrain.model.data.Moments}), and seeded image augmentation.
 * Nothing here knows Spark or files: reading input files (IDX, text, Parquet) lives in
 * {@code worker.data}, run by the tasks.
 */
package dev.dptrain.model.data;
