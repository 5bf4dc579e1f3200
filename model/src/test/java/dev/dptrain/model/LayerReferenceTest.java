package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LayerNorm, InstanceNorm, GroupNorm, PReLU, weight-normalised dense, Maxout, Conv2D (stride and
 * padding), max/average/global-average pooling and BatchNorm2d (training mode) against PyTorch
 * float64 ({@code scripts/reference/make_layer_reference.py}, fixture {@code reference/layers.json}):
 * output y, dL/dx and dL/dparams for L = Σ r·y. Each layer is built from the case's config entry
 * through {@link NetworkConfigParser#parseLayer}, so the config keys are pinned too.
 *
 * <p>The float32 layer starts from exactly the float64 reference's inputs; the tolerance
 * |a − e| ≤ RTOL·|e| + ATOL·max(1, max|e|) covers float32 rounding only. A missing ε, a wrong
 * grouping or a missing term of the normalisation gradient is far outside it.
 */
class LayerReferenceTest {
  private static final String FIXTURE = "/reference/layers.json";
  private static final double RTOL = 1e-4;
  private static final double ATOL = 2e-6;
  private static final int OFFSET = 5;

  private static List<? extends Config> cases() throws Exception {
    var in = LayerReferenceTest.class.getResourceAsStream(FIXTURE);
    assertNotNull(in, "missing test resource " + FIXTURE + "; run scripts/reference/make_layer_reference.py");
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      return ConfigFactory.parseReader(r, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON))
          .getConfigList("cases");
    }
  }

  static Stream<Named<Config>> fixtureCases() throws Exception {
    return cases().stream().map(c -> Named.of(c.getString("name"), (Config) c));
  }

  @Test
  void fixtureCoversEveryLayer() throws Exception {
    List<String> names = cases().stream().map(c -> c.getString("name")).toList();
    for (String n : List.of("groupnorm_image", "groupnorm_vector", "layernorm_image", "layernorm_vector",
        "instancenorm_affine", "instancenorm_plain", "prelu_channel", "prelu_shared", "weightnorm_dense", "maxout",
        "conv2d_s2_p1", "conv2d_5x5", "maxpool_2", "maxpool_3_s2_p1", "avgpool_2", "avgpool_3_s2_p1",
        "global_avgpool", "batchnorm2d", "conv2d_weightnorm")) {
      assertTrue(names.contains(n), "fixture lacks case " + n + ": " + names);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtureCases")
  void layerMatchesPyTorch(Config c) {
    String name = c.getString("name");
    List<Integer> dims = c.getIntList("input_shape");
    Shape shape = dims.size() == 1 ? Shape.vector(dims.get(0)) : Shape.image(dims.get(0), dims.get(1), dims.get(2));
    Layer layer = NetworkConfigParser.parseLayer(new Conf(c.getConfig("layer"), name + ".layer")).create(shape);
    layer.bind(OFFSET, 0, 0);
    float[] fixtureParams = floats(c, "params");
    assertEquals(fixtureParams.length, layer.paramCount(), name + ": parameter count of " + layer.describe());
    float[] params = new float[OFFSET + fixtureParams.length + 1];
    System.arraycopy(fixtureParams, 0, params, OFFSET, fixtureParams.length);
    int batch = c.getInt("batch");
    float[] x = floats(c, "x");
    float[] r = floats(c, "r");
    assertEquals(batch * shape.size(), x.length, name + ": input size");

    float[] state = new float[layer.stateCount()];
    layer.initState(state);
    Pass inference = GradientCheck.pass(params, state, false, 1);
    float[] yInference = layer.forward(inference, x, batch).clone();
    Pass pass = GradientCheck.pass(params, state, true, 1);
    pass.grads = new float[params.length];
    float[] y = layer.forward(pass, x, batch);
    close(name + " y", doubles(c, "y"), y);
    // Batch statistics in training, running statistics at inference: only BN differs by design.
    if (!(layer instanceof dev.dptrain.model.layers.BatchStatsLayer)) {
      close(name + " y (inference)", doubles(c, "y"), yInference);
    }
    float[] dx = layer.backward(pass, r, batch, true);
    close(name + " dx", doubles(c, "dx"), dx);
    double[] dp = doubles(c, "dparams");
    float[] own = new float[dp.length];
    System.arraycopy(pass.grads, OFFSET, own, 0, dp.length);
    close(name + " dparams", dp, own);
  }

  private static void close(String what, double[] expected, float[] actual) {
    double scale = 1;
    for (double e : expected) scale = Math.max(scale, Math.abs(e));
    for (int i = 0; i < expected.length; i++) {
      double tol = RTOL * Math.abs(expected[i]) + ATOL * scale;
      assertEquals(expected[i], actual[i], tol, what + " [" + i + "]");
    }
  }

  private static double[] doubles(Config c, String key) {
    return c.getDoubleList(key).stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static float[] floats(Config c, String key) {
    double[] d = doubles(c, key);
    return GradientCheck.toFloat(d);
  }
}
