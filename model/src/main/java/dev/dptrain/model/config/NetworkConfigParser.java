package dev.dptrain.model.config;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
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

  /** One layer object, e.g. {@code { type = dense, units = 256, init = he_normal }}; types: {@link LayerTypes}. */
  public static LayerSpec parseLayer(Conf c) {
    String type = c.string("type").toLowerCase(Locale.ROOT).replace('-', '_');
    LayerTypes.Parser parser = LayerTypes.parser(type);
    if (parser == null) throw c.error("type", "a layer type: " + String.join(", ", LayerTypes.names()), "'" + type + "'");
    LayerSpec spec = parser.parse(c);
    c.finish();
    return spec;
  }

  /** The {@code init} and {@code init-sigma} keys of a layer with weights. */
  static Init weightInit(Conf c) {
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
