package dev.dptrain.model.config;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.PReLU;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads the {@code model { ... }} block of a config file into a {@link NetworkSpec}. The layer
 * types and their keys are documented in docs/config.md. Unknown types and keys, impossible
 * shapes and bad values are errors naming the layer, the key and what was expected.
 */
public final class NetworkConfigParser {
  private NetworkConfigParser() {}

  public static NetworkSpec parse(Conf model) {
    NetworkSpec spec = parseUnbuilt(model);
    try {
      Network.build(spec);
    } catch (IllegalArgumentException e) {
      throw new Conf.ConfigError(model.raw().origin().description() + ": model.layers: " + e.getMessage());
    }
    return spec;
  }

  /**
   * The spec with every key and value checked but the network not built, so that layer shapes
   * are not yet checked and nothing is allocated for them (for readers of untrusted files, which
   * bound the layer sizes first).
   */
  public static NetworkSpec parseUnbuilt(Conf model) {
    List<Integer> dims = model.intList("input");
    Shape input = switch (dims.size()) {
      case 1 -> positive(model, dims) ? Shape.vector(dims.get(0)) : null;
      case 3 -> positive(model, dims) ? Shape.image(dims.get(0), dims.get(1), dims.get(2)) : null;
      default -> throw model.error("input", "[features] or [channels, height, width]", dims);
    };
    String loss = model.oneOf("loss", "softmax_cross_entropy",
        "softmax_cross_entropy", "sigmoid_binary_cross_entropy", "mse");
    List<LayerSpec> layers = new ArrayList<>();
    for (Conf layer : model.objectList("layers")) layers.add(parseLayer(layer));
    model.finish();
    return new NetworkSpec(input, layers, loss);
  }

  private static boolean positive(Conf model, List<Integer> dims) {
    for (int d : dims) if (d <= 0) throw model.error("input", "positive dimensions", dims);
    return true;
  }

  /** One layer object, e.g. {@code { type = dense, units = 256, init = he_normal }}. */
  public static LayerSpec parseLayer(Conf c) {
    String type = c.string("type").toLowerCase(Locale.ROOT).replace('-', '_');
    LayerSpec spec = switch (type) {
      case "dense" -> {
        int units = (int) c.integer("units", 1, Integer.MAX_VALUE);
        boolean bias = c.bool("bias", true);
        Init init = weightInit(c);
        yield c.bool("weight-norm", false) ? new LayerSpec.WeightNormDenseSpec(units, bias, init)
            : new LayerSpec.DenseSpec(units, bias, init);
      }
      case "batchnorm", "batch_norm" -> new LayerSpec.BatchNormSpec(
          c.number("eps", NetworkSpec.BN_EPS, Double.MIN_VALUE, 1),
          c.number("momentum", NetworkSpec.BN_MOMENTUM, Double.MIN_VALUE, 1));
      case "dropout" -> new LayerSpec.DropoutSpec(c.number("rate", 0.5, 0, 0.999));
      case "softmax" -> new LayerSpec.SoftmaxSpec();
      case "identity", "sigmoid", "tanh", "relu" -> new LayerSpec.ActivationSpec(
          Activation.Kind.valueOf(type.toUpperCase(Locale.ROOT)), 0);
      case "leaky_relu" -> new LayerSpec.ActivationSpec(Activation.Kind.LEAKY_RELU,
          c.number("alpha", 0.01, Double.MIN_VALUE, 0.999));
      case "elu" -> new LayerSpec.ActivationSpec(Activation.Kind.ELU,
          c.number("alpha", 1.0, Double.MIN_VALUE, Double.MAX_VALUE));
      case "layernorm", "layer_norm" -> new LayerSpec.LayerNormSpec(
          c.number("eps", NetworkSpec.NORM_EPS, Double.MIN_VALUE, 1));
      case "instancenorm", "instance_norm" -> new LayerSpec.InstanceNormSpec(c.bool("affine", false),
          c.number("eps", NetworkSpec.NORM_EPS, Double.MIN_VALUE, 1));
      case "groupnorm", "group_norm" -> new LayerSpec.GroupNormSpec(
          (int) c.integer("groups", 1, Integer.MAX_VALUE), c.number("eps", NetworkSpec.NORM_EPS, Double.MIN_VALUE, 1));
      case "prelu" -> new LayerSpec.PReLUSpec(
          PReLU.Mode.valueOf(c.oneOf("mode", "shared", "shared", "channel").toUpperCase(Locale.ROOT)));
      case "maxout" -> new LayerSpec.MaxoutSpec((int) c.integer("units", 1, Integer.MAX_VALUE),
          (int) c.integer("pieces", 2, 2, 64), weightInit(c));
      case "conv2d", "conv" -> {
        int filters = (int) c.integer("filters", 1, Integer.MAX_VALUE);
        int kernel = (int) c.integer("kernel", 1, 1024);
        yield new LayerSpec.Conv2DSpec(filters, kernel, kernel, (int) c.integer("stride", 1, 1, 1024),
            (int) c.integer("padding", 0, 0, 1024), c.bool("bias", true), c.bool("weight-norm", false),
            weightInit(c));
      }
      case "maxpool", "max_pool" -> {
        int kernel = (int) c.integer("kernel", 2, 1, 1024);
        yield new LayerSpec.MaxPoolSpec(kernel, (int) c.integer("stride", kernel, 1, 1024),
            (int) c.integer("padding", 0, 0, 512));
      }
      case "avgpool", "avg_pool" -> {
        int kernel = (int) c.integer("kernel", 2, 1, 1024);
        yield new LayerSpec.AvgPoolSpec(kernel, (int) c.integer("stride", kernel, 1, 1024),
            (int) c.integer("padding", 0, 0, 512));
      }
      case "global_avgpool", "global_avg_pool" -> new LayerSpec.GlobalAvgPoolSpec();
      case "flatten" -> new LayerSpec.FlattenSpec();
      case "stochastic_pool", "stochasticpool" -> {
        int kernel = (int) c.integer("kernel", 2, 1, 1024);
        yield new LayerSpec.StochasticPoolSpec(kernel, (int) c.integer("stride", kernel, 1, 1024));
      }
      case "residual" -> {
        List<LayerSpec> inner = new ArrayList<>();
        for (Conf l : c.objectList("layers")) inner.add(parseLayer(l));
        if (inner.isEmpty()) throw c.error("layers", "at least one layer", "[]");
        yield new LayerSpec.ResidualSpec(inner, c.bool("projection-bn", true));
      }
      default -> throw c.error("type", "a layer type: dense, conv2d, maxpool, avgpool, global_avgpool, "
          + "stochastic_pool, flatten, residual, batchnorm, dropout, relu, leaky_relu, elu, sigmoid, tanh, identity, softmax, "
          + "layernorm, instancenorm, groupnorm, prelu, maxout",
          "'" + type + "'");
    };
    c.finish();
    return spec;
  }

  private static Init weightInit(Conf c) {
    String name = c.string("init", "he_normal");
    double sigma = c.number("init-sigma", 0.01, Double.MIN_VALUE, Double.MAX_VALUE);
    Init init;
    try {
      init = Init.parse(name, sigma);
    } catch (IllegalArgumentException e) {
      throw c.error("init", "xavier_uniform, xavier_normal, he_normal, he_uniform or gaussian", "'" + name + "'");
    }
    if (init.scheme() == Init.Scheme.CONSTANT) {
      try {
        init.forWeights("dense");
      } catch (IllegalArgumentException e) {
        throw c.error("init", "a random scheme", "'" + name + "' (" + e.getMessage() + ")");
      }
    }
    return init;
  }
}
