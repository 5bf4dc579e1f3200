package dev.dptrain.model.layers;

/**
 * A layer that normalises with batch statistics in training and keeps running (population)
 * statistics for inference. The layer itself never updates its running statistics: the trainer
 * collects the batch statistics of every such layer (from every partition or ghost batch), pools
 * them with {@link NormStats#merge} and then calls {@link #updateRunningStats} once per step, so
 * single-process and distributed training share one code path.
 *
 * <p>Statistics block of one layer, written by {@link #writeBatchStats}:
 * {@code [channels, count, mean_0..mean_{C-1}, m2_0..m2_{C-1}]}, with M2 the sum of squared
 * deviations from the mean (biased variance = M2/count).
 */
public interface BatchStatsLayer extends Layer {
  /** Channels normalised (features for dense inputs). */
  int statsChannels();

  /** Writes the statistics of the last training forward at {@code dst[off]}. */
  void writeBatchStats(double[] dst, int off);

  /** running = (1 - momentum) running + momentum * pooled, with the unbiased pooled variance. */
  void updateRunningStats(float[] state, double[] pooled, int off);

  /** running = pooled (precise BN: population statistics recomputed with frozen weights). */
  void setRunningStats(float[] state, double[] pooled, int off);
}
