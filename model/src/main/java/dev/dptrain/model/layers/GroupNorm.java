package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Group normalisation (Wu &amp; He, 2018): the C channels are split into G groups of C/G
 * consecutive channels; each group of each example is normalised over its (C/G) x H x W values,
 * then scaled and shifted per channel, as PyTorch's {@code GroupNorm(G, C)}:
 *
 * <pre>  y[c] = γ_c (x[c] − μ_g) / √(σ²_g + ε) + β_c,   g = c / (C/G)  </pre>
 *
 * G = 1 is LayerNorm with per-channel affine, G = C is InstanceNorm. Shapes: output = input; a
 * vector input of n features is n channels of 1 x 1. Parameters: γ (C, init 1), then β (C, init
 * 0). Same in training and inference; backward in {@link PerExampleNorm}.
 */
public final class GroupNorm extends PerExampleNorm {
  private final int groups;

  public GroupNorm(Shape in, int groups, double eps) {
    super(in, checkGroups(in, groups), in.channels(), true, eps, "groupnorm");
    this.groups = groups;
  }

  private static int checkGroups(Shape in, int groups) {
    if (groups <= 0 || in.channels() % groups != 0) {
      throw new IllegalArgumentException("groupnorm: groups = " + groups + " must be positive and divide the "
          + in.channels() + " channels of input " + in);
    }
    return groups;
  }

  @Override
  public String describe() {
    return "groupnorm(" + groups + " groups, " + in.channels() + " channels)";
  }
}
