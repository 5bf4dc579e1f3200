package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;

/**
 * What one forward/backward call over a batch sees: the flat parameter vector, the flat gradient
 * vector (training only), the non-trainable state (running statistics), the mode and the seed
 * from which layers derive their randomness. Owned and refilled by the network for each call.
 */
public final class Pass {
  public float[] params;
  /** Gradient accumulator, same layout as {@link #params}; backward ADDS into it. */
  public float[] grads;
  /** Non-trainable state such as BatchNorm running mean/variance. */
  public float[] state;
  public boolean training;
  /** Seed of this batch; a layer's stream is {@code rng(layerIndex)}. */
  public long seed;

  public Rng rng(int layerIndex) {
    return Rng.derive(seed, layerIndex);
  }
}
