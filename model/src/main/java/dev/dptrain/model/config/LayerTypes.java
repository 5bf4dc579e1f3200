package dev.dptrain.model.config;

import dev.dptrain.model.layers.Activation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layer types a config file can name, registered once: type name (and its aliases) → how to
 * read the layer's keys into its {@link LayerSpec}. The list in the unknown-type error comes
 * from here. A new layer type is its class in {@code layers}, its spec record (with a
 * {@code parse(Conf)}) in {@link LayerSpec}, one line below and its row in docs/config.md.
 * Names are matched in lower case with '-' read as '_'.
 */
public final class LayerTypes {
  /** Reads one layer object's keys (after {@code type}) into its spec. */
  @FunctionalInterface
  public interface Parser {
    LayerSpec parse(Conf layer);
  }

  private static final Map<String, Parser> BY_NAME = new LinkedHashMap<>();
  private static final List<String> NAMES = new ArrayList<>();

  static {
    register(LayerSpec.DenseSpec::parse, "dense");
    register(LayerSpec.Conv2DSpec::parse, "conv2d", "conv");
    register(LayerSpec.MaxPoolSpec::parse, "maxpool", "max_pool");
    register(LayerSpec.AvgPoolSpec::parse, "avgpool", "avg_pool");
    register(c -> new LayerSpec.GlobalAvgPoolSpec(), "global_avgpool", "global_avg_pool");
    register(LayerSpec.StochasticPoolSpec::parse, "stochastic_pool", "stochasticpool");
    register(c -> new LayerSpec.FlattenSpec(), "flatten");
    register(LayerSpec.ResidualSpec::parse, "residual");
    register(LayerSpec.BatchNormSpec::parse, "batchnorm", "batch_norm");
    register(LayerSpec.DropoutSpec::parse, "dropout");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.RELU), "relu");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.LEAKY_RELU), "leaky_relu");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.ELU), "elu");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.SIGMOID), "sigmoid");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.TANH), "tanh");
    register(LayerSpec.ActivationSpec.parser(Activation.Kind.IDENTITY), "identity");
    register(c -> new LayerSpec.SoftmaxSpec(), "softmax");
    register(LayerSpec.LayerNormSpec::parse, "layernorm", "layer_norm");
    register(LayerSpec.InstanceNormSpec::parse, "instancenorm", "instance_norm");
    register(LayerSpec.GroupNormSpec::parse, "groupnorm", "group_norm");
    register(LayerSpec.PReLUSpec::parse, "prelu");
    register(LayerSpec.MaxoutSpec::parse, "maxout");
  }

  private LayerTypes() {}

  private static void register(Parser parser, String name, String... aliases) {
    NAMES.add(name);
    for (String n : concat(name, aliases)) {
      if (BY_NAME.putIfAbsent(n, parser) != null) throw new IllegalStateException("layer type " + n + " registered twice");
    }
  }

  private static List<String> concat(String first, String... rest) {
    List<String> all = new ArrayList<>(List.of(first));
    Collections.addAll(all, rest);
    return all;
  }

  /** The registered type names (without aliases), in registration order. */
  public static List<String> names() {
    return Collections.unmodifiableList(NAMES);
  }

  /** The parser for a (normalised) type name or alias, or null when no such type is registered. */
  static Parser parser(String type) {
    return BY_NAME.get(type);
  }
}
