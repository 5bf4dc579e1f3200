package dev.dptrain.model.config;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A network: the per-example input shape, the layers in order and the loss. Immutable and
 * serialisable; built from a config file ({@link NetworkConfigParser}) or with {@link #builder}.
 *
 * <pre>{@code
 * NetworkSpec mlp = NetworkSpec.builder(Shape.vector(784))
 *     .dense(256).batchNorm().relu()
 *     .dense(10)
 *     .loss("softmax_cross_entropy").build();
 * }</pre>
 */
public record NetworkSpec(Shape input, List<LayerSpec> layers, String loss) implements Serializable {
  public static final double BN_EPS = 1e-5;
  public static final double BN_MOMENTUM = 0.1;
  /** ε of LayerNorm, InstanceNorm and GroupNorm (PyTorch's default). */
  public static final double NORM_EPS = 1e-5;

  public NetworkSpec {
    layers = List.copyOf(layers);
    if (layers.isEmpty()) throw new IllegalArgumentException("a network needs at least one layer");
  }

  public static Builder builder(Shape input) {
    return new Builder(input);
  }

  /** Fluent builder; optional settings have the defaults documented in docs/config.md. */
  public static final class Builder {
    private final Shape input;
    private final List<LayerSpec> layers = new ArrayList<>();
    private String loss = "softmax_cross_entropy";
    private Init init = Init.HE_NORMAL;

    private Builder(Shape input) {
      this.input = input;
    }

    /** Weight initialiser for the following weight layers (default he_normal). */
    public Builder init(Init init) {
      this.init = init;
      return this;
    }

    public Builder dense(int units) {
      return add(new LayerSpec.DenseSpec(units, true, init));
    }

    public Builder batchNorm() {
      return add(new LayerSpec.BatchNormSpec(BN_EPS, BN_MOMENTUM));
    }

    public Builder relu() {
      return activation(Activation.Kind.RELU, 0);
    }

    public Builder activation(Activation.Kind kind, double alpha) {
      return add(new LayerSpec.ActivationSpec(kind, alpha));
    }

    public Builder dropout(double rate) {
      return add(new LayerSpec.DropoutSpec(rate));
    }

    public Builder softmax() {
      return add(new LayerSpec.SoftmaxSpec());
    }

    /** Dense layer with weight normalisation (W = g v / ‖v‖ per unit), with bias. */
    public Builder weightNormDense(int units) {
      return add(new LayerSpec.WeightNormDenseSpec(units, true, init));
    }

    public Builder layerNorm() {
      return add(new LayerSpec.LayerNormSpec(NORM_EPS));
    }

    public Builder instanceNorm(boolean affine) {
      return add(new LayerSpec.InstanceNormSpec(affine, NORM_EPS));
    }

    public Builder groupNorm(int groups) {
      return add(new LayerSpec.GroupNormSpec(groups, NORM_EPS));
    }

    public Builder prelu(dev.dptrain.model.layers.PReLU.Mode mode) {
      return add(new LayerSpec.PReLUSpec(mode));
    }

    /** Maxout over {@code pieces} linear pieces per unit, weights from the current init. */
    /** Square-kernel convolution with bias and the current initialiser. */
    public Builder conv2d(int filters, int kernel, int stride, int padding) {
      return add(new LayerSpec.Conv2DSpec(filters, kernel, kernel, stride, padding, true, init));
    }

    /** Max pooling with stride = kernel, no padding. */
    public Builder maxPool(int kernel) {
      return add(new LayerSpec.MaxPoolSpec(kernel, kernel, 0));
    }

    /** Average pooling with stride = kernel, no padding. */
    public Builder avgPool(int kernel) {
      return add(new LayerSpec.AvgPoolSpec(kernel, kernel, 0));
    }

    public Builder globalAvgPool() {
      return add(new LayerSpec.GlobalAvgPoolSpec());
    }

    /** Stochastic pooling with stride = kernel. */
    public Builder stochasticPool(int kernel) {
      return add(new LayerSpec.StochasticPoolSpec(kernel, kernel));
    }

    /** A residual block over {@code branch}, with a 1x1 projection + BN when the shape changes. */
    public Builder residual(LayerSpec... branch) {
      return add(new LayerSpec.ResidualSpec(List.of(branch), true));
    }

    public Builder flatten() {
      return add(new LayerSpec.FlattenSpec());
    }

    public Builder maxout(int units, int pieces) {
      return add(new LayerSpec.MaxoutSpec(units, pieces, init));
    }

    public Builder add(LayerSpec layer) {
      layers.add(layer);
      return this;
    }

    public Builder loss(String loss) {
      this.loss = loss;
      return this;
    }

    public NetworkSpec build() {
      NetworkSpec spec = new NetworkSpec(input, layers, loss);
      dev.dptrain.model.Network.build(spec); // validates shapes and values now, not at first use
      return spec;
    }
  }
}
