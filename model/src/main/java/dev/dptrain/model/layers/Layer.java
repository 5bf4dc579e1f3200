package dev.dptrain.model.layers;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * One step of a network. A layer knows its shapes and how many parameters it needs; it owns no
 * weights but reads and writes its slice of the network's flat vectors, at offsets fixed by
 * {@link #bind}. Call order per batch: {@code forward} (training or inference), then, in training,
 * {@code backward} with the gradient of the loss with respect to this layer's output.
 *
 * <p>Activations are batch-major: example i occupies {@code [i*size, (i+1)*size)} of a buffer,
 * with images in CHW order. Returned buffers belong to the layer and stay valid until its next call.
 */
public interface Layer {
  Shape inputShape();

  Shape outputShape();

  /** Trainable floats this layer owns in the flat parameter vector. */
  default int paramCount() {
    return 0;
  }

  /** Non-trainable floats (running statistics) this layer owns in the flat state vector. */
  default int stateCount() {
    return 0;
  }

  /** Fixes this layer's offsets and its index (used to derive its random stream). */
  void bind(int paramOffset, int stateOffset, int index);

  /** Writes fresh initial values into this layer's parameter slice. */
  default void initParams(float[] params, Rng rng) {}

  /** Writes the initial running statistics into this layer's state slice. */
  default void initState(float[] state) {}

  float[] forward(Pass pass, float[] input, int batch);

  /**
   * Back-propagates {@code gradOutput}: ADDS this layer's parameter gradients into
   * {@code pass.grads} and returns dLoss/dInput, or null when {@code needInputGrad} is false.
   */
  float[] backward(Pass pass, float[] gradOutput, int batch, boolean needInputGrad);

  /**
   * Layers nested inside this one (a residual block's branches), in parameter order; the network
   * looks through them for normalisation layers whose statistics it pools. Empty for plain layers.
   */
  default java.util.List<Layer> children() {
    return java.util.List.of();
  }

  /** Short description for model summaries, e.g. {@code dense(256, he_normal)}. */
  String describe();
}
