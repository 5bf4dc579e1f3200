package dev.dptrain.model.optim;

import java.io.Serializable;

/**
 * Updates the flat parameter vector from the final gradient of a step (already averaged,
 * regularised and clipped). Call order: {@link #stateSize} once, to allocate the optimiser state
 * that lives in the training state (so it is checkpointed with it); then {@link #step} once per
 * training step with t = 1, 2, ...
 */
public interface Optimizer extends Serializable {
  int stateSize(int paramCount);

  void step(float[] params, float[] grad, float[] state, double lr, long t);

  /** True when weight decay is applied by the optimiser itself (AdamW), not added to the gradient. */
  default boolean decoupledWeightDecay() {
    return false;
  }

  String describe();
}
