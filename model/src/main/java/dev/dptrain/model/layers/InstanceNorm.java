package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Instance normalisation (Ulyanov et al., 2016): each channel of each example is normalised over
 * its H x W positions, as PyTorch's {@code InstanceNorm2d} without running statistics:
 *
 * <pre>  y[c] = γ_c (x[c] − μ_c) / √(σ²_c + ε) + β_c,   μ_c, σ²_c over H x W of this example  </pre>
 *
 * Shapes: image input (C x H x W, H·W ≥ 2), output = input. Parameters when {@code affine}: γ (C,
 * init 1), then β (C, init 0); none otherwise. Same in training and inference; backward in
 * {@link PerExampleNorm}.
 */
public final class InstanceNorm extends PerExampleNorm {
  private final boolean affine;

  public InstanceNorm(Shape in, boolean affine, double eps) {
    super(checkImage(in), in.channels(), in.channels(), affine, eps, "instancenorm");
    this.affine = affine;
  }

  private static Shape checkImage(Shape in) {
    if (in.isVector()) {
      throw new IllegalArgumentException("instancenorm needs an image input [c, h, w], got the vector " + in
          + " (each channel would be a single value); use layernorm for vectors");
    }
    return in;
  }

  @Override
  public String describe() {
    return "instancenorm(" + in.channels() + (affine ? ", affine" : "") + ")";
  }
}
