package dev.dptrain.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.Layer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The layer type registry: one list of names, each parsing from a minimal config and building. */
class LayerTypesTest {
  /** Keys a type needs beyond {@code type}; a newly registered type with required keys goes here. */
  private static final Map<String, String> REQUIRED = Map.of(
      "dense", "units = 3",
      "conv2d", "filters = 2, kernel = 3",
      "groupnorm", "groups = 2",
      "maxout", "units = 3",
      "residual", "layers = [ { type = conv2d, filters = 4, kernel = 3, padding = 1 } ]");
  private static final Shape IMAGE = Shape.image(4, 6, 6);

  private static LayerSpec layer(String type) {
    String keys = REQUIRED.getOrDefault(type, "");
    return NetworkConfigParser.parseLayer(Conf.parseString("type = " + type + (keys.isEmpty() ? "" : ", " + keys), "t"));
  }

  @Test
  void theRegisteredNames() {
    assertEquals(List.of("dense", "conv2d", "maxpool", "avgpool", "global_avgpool", "stochastic_pool", "flatten",
        "residual", "batchnorm", "dropout", "relu", "leaky_relu", "elu", "sigmoid", "tanh", "identity", "softmax",
        "layernorm", "instancenorm", "groupnorm", "prelu", "maxout"), LayerTypes.names());
    assertThrows(UnsupportedOperationException.class, () -> LayerTypes.names().add("x"));
  }

  @Test
  void unknownTypeErrorListsExactlyTheRegisteredNames() {
    String m = assertThrows(Conf.ConfigError.class,
        () -> NetworkConfigParser.parseLayer(Conf.parseString("type = Dense-Layer", "t"))).getMessage();
    String prefix = "expected a layer type: ";
    int from = m.indexOf(prefix);
    assertTrue(from >= 0, m);
    int to = m.indexOf(", got 'dense_layer'", from);
    assertTrue(to > from, m);
    assertEquals(LayerTypes.names(), Arrays.asList(m.substring(from + prefix.length(), to).split(", ")));
    assertNull(LayerTypes.parser("dense_layer"));
  }

  @Test
  void everyRegisteredTypeParsesFromAMinimalConfigAndBuilds() {
    for (String type : LayerTypes.names()) {
      LayerSpec spec = layer(type);
      Layer l = spec.create(IMAGE);
      assertTrue(l.outputShape().size() > 0, type);
      // and as part of a network, with a dense output layer after it
      Network net = Network.build(new NetworkSpec(IMAGE,
          List.of(spec, new LayerSpec.DenseSpec(2, true, dev.dptrain.model.init.Init.HE_NORMAL)), "mse"));
      assertEquals(2, net.outputSize(), type);
    }
  }

  @Test
  void typesMapToTheirSpecsAndAliasesToTheSameParser() {
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.LEAKY_RELU, 0.01), layer("leaky_relu"));
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.ELU, 1.0), layer("elu"));
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0), layer("tanh"));
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.IDENTITY, 0), layer("identity"));
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.SIGMOID, 0), layer("sigmoid"));
    assertEquals(new LayerSpec.ActivationSpec(Activation.Kind.RELU, 0), layer("relu"));
    assertEquals(new LayerSpec.MaxPoolSpec(2, 2, 0), layer("maxpool"));
    assertEquals(new LayerSpec.AvgPoolSpec(3, 1, 1),
        NetworkConfigParser.parseLayer(Conf.parseString("type = avg-pool, kernel = 3, stride = 1, padding = 1", "t")));
    assertEquals(new LayerSpec.StochasticPoolSpec(2, 2), layer("stochasticpool"));
    assertEquals(new LayerSpec.GlobalAvgPoolSpec(), layer("global-avg-pool"));
    assertEquals(new LayerSpec.BatchNormSpec(NetworkSpec.BN_EPS, NetworkSpec.BN_MOMENTUM), layer("batch_norm"));
    assertEquals(new LayerSpec.DropoutSpec(0.5), layer("dropout"));
    assertEquals(new LayerSpec.SoftmaxSpec(), layer("softmax"));
    assertEquals(new LayerSpec.FlattenSpec(), layer("flatten"));
    assertEquals(layer("conv2d"), NetworkConfigParser.parseLayer(Conf.parseString("type = conv, filters = 2, kernel = 3", "t")));
    for (String[] alias : new String[][] {{"conv2d", "conv"}, {"maxpool", "max_pool"}, {"avgpool", "avg_pool"},
        {"global_avgpool", "global_avg_pool"}, {"stochastic_pool", "stochasticpool"}, {"batchnorm", "batch_norm"},
        {"layernorm", "layer_norm"}, {"instancenorm", "instance_norm"}, {"groupnorm", "group_norm"}}) {
      assertEquals(LayerTypes.parser(alias[0]), LayerTypes.parser(alias[1]), alias[1]);
    }
    // Keys a type does not read are still refused after its parser ran.
    String m = assertThrows(Conf.ConfigError.class,
        () -> NetworkConfigParser.parseLayer(Conf.parseString("type = flatten, units = 3", "t"))).getMessage();
    assertTrue(m.contains("units") && m.contains("unknown key"), m);
  }

  @Test
  void everyRegisteredTypeIsDocumented() throws Exception {
    String doc = Files.readString(Path.of("../docs/config.md"));
    for (String type : LayerTypes.names()) assertTrue(doc.contains("`" + type + "`"), type + " in docs/config.md");
    assertEquals(LayerTypes.names().size(), new HashSet<>(LayerTypes.names()).size(), "no name twice");
  }
}
