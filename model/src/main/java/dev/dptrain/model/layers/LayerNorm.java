package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Layer normalisation (Ba, Kiros &amp; Hinton, 2016): each example is normalised over ALL its
 * features (C x H x W), with one learnable γ, β per feature, as PyTorch's
 * {@code LayerNorm(normalized_shape = [C, H, W])}:
 *
 * <pre>  y = γ ⊙ (x − μ) / √(σ² + ε) + β,   μ, σ² = mean, biased variance of the example  </pre>
 *
 * Shapes: output = input. Parameters: γ (D = C·H·W, init 1), then β (D, init 0). Same in training
 * and inference; formulas for the backward in {@link PerExampleNorm}.
 */
public final class LayerNorm extends PerExampleNorm {
  public LayerNorm(Shape in, double eps) {
    super(in, 1, in.size(), true, eps, "layernorm");
  }

  @Override
  public String describe() {
    return "layernorm(" + in + ")";
  }
}
