package dev.dptrain.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.PReLU;
import dev.dptrain.model.train.TrainSpec;
import org.junit.jupiter.api.Test;

/**
 * Config entries of LayerNorm, InstanceNorm, GroupNorm, weight-norm dense, PReLU, Maxout and the
 * {@code train.augment} block: defaults, explicit values, equality with the builder, and errors
 * that name the key and what was expected.
 */
class LayerConfigParserTest {
  private static LayerSpec layer(String hocon) {
    return NetworkConfigParser.parseLayer(Conf.parseString(hocon, "layer.conf"));
  }

  private static NetworkSpec net(String hocon) {
    return NetworkConfigParser.parse(Conf.parseString(hocon, "test.conf"));
  }

  private static String error(Runnable r) {
    return assertThrows(Conf.ConfigError.class, r::run).getMessage();
  }

  @Test
  void defaultsAndExplicitValues() {
    assertEquals(new LayerSpec.LayerNormSpec(1e-5), layer("type = layernorm"));
    assertEquals(new LayerSpec.LayerNormSpec(1e-3), layer("type = layer_norm, eps = 1e-3"));
    assertEquals(new LayerSpec.InstanceNormSpec(false, 1e-5), layer("type = instancenorm"));
    assertEquals(new LayerSpec.InstanceNormSpec(true, 0.01), layer("type = instance-norm, affine = true, eps = 0.01"));
    assertEquals(new LayerSpec.GroupNormSpec(8, 1e-5), layer("type = groupnorm, groups = 8"));
    assertEquals(new LayerSpec.GroupNormSpec(2, 1e-4), layer("type = group_norm, groups = 2, eps = 1e-4"));
    assertEquals(new LayerSpec.PReLUSpec(PReLU.Mode.SHARED), layer("type = prelu"));
    assertEquals(new LayerSpec.PReLUSpec(PReLU.Mode.CHANNEL), layer("type = prelu, mode = channel"));
    assertEquals(new LayerSpec.MaxoutSpec(16, 2, Init.HE_NORMAL), layer("type = maxout, units = 16"));
    assertEquals(new LayerSpec.MaxoutSpec(16, 4, Init.XAVIER_UNIFORM),
        layer("type = maxout, units = 16, pieces = 4, init = xavier_uniform"));
    assertEquals(new LayerSpec.WeightNormDenseSpec(10, true, Init.HE_NORMAL), layer("type = dense, units = 10, weight-norm = true"));
    assertEquals(new LayerSpec.WeightNormDenseSpec(10, false, Init.HE_NORMAL),
        layer("type = dense, units = 10, weight-norm = true, bias = false"));
    assertEquals(new LayerSpec.DenseSpec(10, true, Init.HE_NORMAL), layer("type = dense, units = 10, weight-norm = false"));
  }

  @Test
  void badValuesNameKeyAndExpectation() {
    String m = error(() -> layer("type = groupnorm"));
    assertTrue(m.contains("groups") && m.contains("missing"), m);
    m = error(() -> layer("type = groupnorm, groups = 0"));
    assertTrue(m.contains("groups") && m.contains(">= 1") && m.contains("got 0"), m);
    m = error(() -> layer("type = layernorm, eps = 0"));
    assertTrue(m.contains("eps") && m.contains("got 0"), m);
    m = error(() -> layer("type = instancenorm, affine = maybe"));
    assertTrue(m.contains("affine") && m.contains("true or false"), m);
    m = error(() -> layer("type = prelu, mode = pixel"));
    assertTrue(m.contains("mode") && m.contains("shared, channel") && m.contains("pixel"), m);
    m = error(() -> layer("type = maxout"));
    assertTrue(m.contains("units") && m.contains("missing"), m);
    m = error(() -> layer("type = maxout, units = 4, pieces = 1"));
    assertTrue(m.contains("pieces") && m.contains("[2, 64]") && m.contains("got 1"), m);
    m = error(() -> layer("type = dense, units = 4, weight-norm = 1.5"));
    assertTrue(m.contains("weight-norm") && m.contains("true or false"), m);
    m = error(() -> layer("type = prelu, slope = 0.1"));
    assertTrue(m.contains("slope") && m.contains("unknown key"), m);
    m = error(() -> layer("type = grupnorm"));
    assertTrue(m.contains("grupnorm") && m.contains("groupnorm") && m.contains("maxout"), m);
  }

  @Test
  void shapeErrorsNameTheLayerAndTheNumbers() {
    String m = error(() -> net("input = [6, 4, 4]\nlayers = [{ type = groupnorm, groups = 4 }, { type = dense, units = 2 }]"));
    assertTrue(m.contains("layer 0") && m.contains("groups = 4") && m.contains("6 channels"), m);
    m = error(() -> net("input = [8]\nlayers = [{ type = instancenorm }, { type = dense, units = 2 }]"));
    assertTrue(m.contains("layer 0") && m.contains("image input") && m.contains("[8]"), m);
  }

  @Test
  void configNetworkEqualsBuilderNetwork() {
    NetworkSpec parsed = net("""
        input = [4, 6, 6]
        layers = [
          { type = groupnorm, groups = 2 }
          { type = prelu, mode = channel }
          { type = instancenorm, affine = true }
          { type = layernorm }
          { type = maxout, units = 12, pieces = 3 }
          { type = prelu }
          { type = dense, units = 10, weight-norm = true }
        ]
        """);
    NetworkSpec built = NetworkSpec.builder(Shape.image(4, 6, 6))
        .groupNorm(2).prelu(PReLU.Mode.CHANNEL).instanceNorm(true).layerNorm()
        .maxout(12, 3).prelu(PReLU.Mode.SHARED).weightNormDense(10).build();
    assertEquals(built, parsed);
    int d = 4 * 36;
    int expected = 2 * 4 + 4 + 2 * 4 + 2 * d + (36 * d + 36) + 1 + (10 * 12 + 10 + 10);
    assertEquals(expected, Network.build(parsed).paramCount());
  }

  @Test
  void augmentBlock() {
    TrainSpec none = TrainConfigParser.parse(Conf.parseString("epochs = 1", "t.conf"));
    assertEquals(Augmentation.NONE, none.augment());
    TrainSpec t = TrainConfigParser.parse(Conf.parseString("augment { flip = true, crop-padding = 4 }", "t.conf"),
        Shape.image(3, 32, 32));
    assertEquals(new Augmentation(true, 4), t.augment());
    assertEquals(new Augmentation(false, 2),
        TrainConfigParser.parse(Conf.parseString("augment { crop-padding = 2 }", "t.conf")).augment());

    String m = error(() -> TrainConfigParser.parse(Conf.parseString("augment { flip = true }", "t.conf"), Shape.vector(784)));
    assertTrue(m.contains("augment.flip") && m.contains("image input") && m.contains("[784]"), m);
    m = error(() -> TrainConfigParser.parse(Conf.parseString("augment { crop-padding = 28 }", "t.conf"), Shape.image(1, 28, 28)));
    assertTrue(m.contains("augment.crop-padding") && m.contains("28 for input [1x28x28]"), m);
    m = error(() -> TrainConfigParser.parse(Conf.parseString("augment { crop-padding = -1 }", "t.conf")));
    assertTrue(m.contains("augment.crop-padding") && m.contains("got -1"), m);
    m = error(() -> TrainConfigParser.parse(Conf.parseString("augment { rotate = 10 }", "t.conf")));
    assertTrue(m.contains("augment.rotate") && m.contains("unknown key"), m);
    m = error(() -> TrainConfigParser.parse(Conf.parseString("augment = yes", "t.conf")));
    assertTrue(m.contains("augment") && m.contains("object"), m);
  }
}
