package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.layers.BatchNorm;
import dev.dptrain.model.layers.Dense;
import dev.dptrain.model.layers.Dropout;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.NormStats;
import dev.dptrain.model.layers.Pass;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * dptrain against an independent implementation: PyTorch (float64) values for
 * Dense(6→5) → BatchNorm1d(5) → ReLU → Dropout(0.5) → Dense(5→3) with summed softmax
 * cross-entropy on a batch of 4, from {@code scripts/reference/make_reference.py} (fixture
 * {@code reference/mlp_bn_dropout.json}; regenerate with that script).
 *
 * <p>The fixture's dropout mask is computed in Python with a re-implementation of {@link Rng}, so
 * these tests also pin the random stream across languages: if Rng, Rng.derive or Dropout's use of
 * it changes, the mask test fails first and tells why the gradients would no longer match.
 *
 * <p>Tolerance: dptrain computes in float32 from exactly the float32 values the float64 reference
 * starts from, so errors are rounding only: |actual - expected| &lt;= RTOL·|expected| +
 * ATOL·max(1, max|expected of that array|).
 */
class ReferenceValuesTest {
  private static final String FIXTURE = "/reference/mlp_bn_dropout.json";
  private static final double RTOL = 1e-4;
  private static final double ATOL = 1e-6;
  private static final int DROPOUT_INDEX = 3;

  private static Config fx;
  private static float[] params;
  private static float[] x;
  private static float[] labels;
  private static int batch;
  private static long seed;

  @BeforeAll
  static void load() throws Exception {
    var in = ReferenceValuesTest.class.getResourceAsStream(FIXTURE);
    assertNotNull(in, "missing test resource " + FIXTURE + "; run scripts/reference/make_reference.py");
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      fx = ConfigFactory.parseReader(r, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    }
    params = floats("params");
    x = floats("inputs");
    labels = floats("labels");
    batch = fx.getInt("batch");
    seed = fx.getLong("seed");
    assertEquals(batch * fx.getInt("input_size"), x.length);
    assertEquals(batch, labels.length);
  }

  private static NetworkSpec spec() {
    return NetworkSpec.builder(Shape.vector(fx.getInt("input_size")))
        .dense(5).batchNorm().relu().dropout(0.5)
        .dense(3)
        .loss(fx.getString("loss"))
        .build();
  }

  private static Network network() {
    return Network.build(spec());
  }

  /** The Java network has the fixture's layer list, parameter offsets/counts and state layout. */
  @Test
  void layoutMatchesFixture() {
    Network net = network();
    List<? extends Config> ls = fx.getConfigList("layers");
    List<Layer> layers = net.layers();
    assertEquals(ls.size(), layers.size());
    assertEquals(fx.getInt("param_count"), net.paramCount());
    assertEquals(params.length, net.paramCount());
    assertEquals(fx.getDoubleList("grad").size(), net.paramCount());
    int offset = 0;
    for (int i = 0; i < ls.size(); i++) {
      Config l = ls.get(i);
      Layer layer = layers.get(i);
      String type = l.getString("type");
      switch (type) {
        case "dense" -> {
          assertTrue(layer instanceof Dense, "layer " + i + " is " + layer.describe());
          assertEquals(l.getInt("in"), layer.inputShape().size());
          assertEquals(l.getInt("out"), layer.outputShape().size());
        }
        case "batchnorm" -> {
          assertTrue(layer instanceof BatchNorm, "layer " + i + " is " + layer.describe());
          assertEquals(l.getInt("channels"), ((BatchNorm) layer).statsChannels());
          assertEquals(NetworkSpec.BN_EPS, l.getDouble("eps"));
          assertEquals(NetworkSpec.BN_MOMENTUM, l.getDouble("momentum"));
          assertEquals(l.getInt("state_count"), layer.stateCount());
        }
        case "relu" -> assertEquals("relu", layer.describe());
        case "dropout" -> {
          assertTrue(layer instanceof Dropout, "layer " + i + " is " + layer.describe());
          assertEquals(DROPOUT_INDEX, i);
          assertEquals(i, l.getInt("layer_index"));
        }
        default -> fail("unknown layer type in fixture: " + type);
      }
      if (l.hasPath("param_offset")) {
        assertEquals(l.getInt("param_offset"), offset, "param offset of layer " + i);
        assertEquals(l.getInt("param_count"), layer.paramCount(), "param count of layer " + i);
      } else {
        assertEquals(0, layer.paramCount(), "param count of layer " + i);
      }
      offset += layer.paramCount();
    }
    assertEquals(10, net.stateCount());
    assertArrayEquals(floats("initial_state"), net.initState(), "initial running mean 0 / var 1");
  }

  /** Rng (SplitMix64) re-implemented in Python gives the same stream: the mask is bit-exact. */
  @Test
  void rngStreamMatchesPythonReimplementation() {
    float[] expected = floats("dropout_mask");
    Rng rng = Rng.derive(seed, DROPOUT_INDEX);
    float keep = 1 / (1 - 0.5f);
    for (int i = 0; i < expected.length; i++) {
      float m = rng.nextFloat() >= 0.5f ? keep : 0f;
      assertEquals(expected[i], m, 0f, "mask element " + i);
    }
  }

  /** The network's own Dropout layer (index 3) draws exactly the fixture's mask for the seed. */
  @Test
  void dropoutLayerDrawsFixtureMask() {
    float[] expected = floats("dropout_mask");
    Network net = network();
    Layer dropout = net.layers().get(DROPOUT_INDEX);
    int n = batch * dropout.inputShape().size();
    assertEquals(expected.length, n);
    float[] ones = new float[n];
    java.util.Arrays.fill(ones, 1f);
    Pass pass = new Pass();
    pass.params = params;
    pass.state = net.initState();
    pass.training = true;
    pass.seed = seed;
    float[] y = dropout.forward(pass, ones, batch);
    for (int i = 0; i < n; i++) assertEquals(expected[i], y[i], 0f, "mask element " + i);
  }

  /**
   * Training-mode logits. Network's training forward is private, so this drives the network's own
   * layers with a training {@link Pass} exactly as Network.forward does.
   */
  @Test
  void trainingForwardLogits() {
    Network net = network();
    Pass pass = new Pass();
    pass.params = params;
    pass.state = net.initState();
    pass.training = true;
    pass.seed = seed;
    float[] a = x;
    for (Layer l : net.layers()) a = l.forward(pass, a, batch);
    assertClose("train_logits", fx("train_logits"), a, batch * net.outputSize());
  }

  /** Loss sum and the gradient of every parameter of one accumulateGradient call. */
  @Test
  void lossSumAndGradients() {
    Network net = network();
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, net.initState(), x, labels, batch, seed, acc);
    assertEquals(batch, acc.count);
    assertClose("train_loss_sum", new double[] {fx.getDouble("train_loss_sum")},
        new float[] {(float) acc.lossSum}, 1);
    // accuracy from the reference logits
    double[] logits = fx("train_logits");
    int width = net.outputSize();
    long correct = 0;
    for (int i = 0; i < batch; i++) {
      int best = 0;
      for (int j = 1; j < width; j++) if (logits[i * width + j] > logits[i * width + best]) best = j;
      if (best == (int) labels[i]) correct++;
    }
    assertEquals(correct, acc.correct);
    assertClose("grad", fx("grad"), acc.grad, net.paramCount());

    // Same seed, fresh network: bit-identical gradient (the determinism the Spark retry relies on).
    GradientSum again = new GradientSum();
    Network other = network();
    other.accumulateGradient(params, other.initState(), x, labels, batch, seed, again);
    assertArrayEquals(acc.grad, again.grad);
    assertEquals(acc.lossSum, again.lossSum);
  }

  /** GradientSum.normStats block [C, count, mean[C], m2[C]] vs the batch statistics at the BN input. */
  @Test
  void batchNormBatchStatistics() {
    Network net = network();
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, net.initState(), x, labels, batch, seed, acc);
    double[] st = acc.normStats;
    int c = 5;
    assertEquals(NormStats.blockSize(c), st.length);
    assertEquals(c, st[0]);
    assertEquals(batch, st[1]);
    float[] mean = new float[c];
    float[] var = new float[c];
    for (int k = 0; k < c; k++) {
      mean[k] = (float) st[2 + k];
      var[k] = (float) (st[2 + c + k] / st[1]);
    }
    assertClose("bn_batch_mean", fx("bn_batch_mean"), mean, c);
    assertClose("bn_batch_var_biased", fx("bn_batch_var_biased"), var, c);
    // batchStatistics (training forward only, as used by precise BN) gives the same block
    assertArrayEquals(st, net.batchStatistics(params, net.initState(), x, batch, seed));
  }

  /** Running mean/var after one momentum-0.1 update (unbiased variance), as PyTorch's BatchNorm1d. */
  @Test
  void runningStatisticsAfterOneUpdate() {
    float[] state = updatedState();
    float[] mean = java.util.Arrays.copyOfRange(state, 0, 5);
    float[] var = java.util.Arrays.copyOfRange(state, 5, 10);
    assertClose("bn_running_mean", fx("bn_running_mean"), mean, 5);
    assertClose("bn_running_var", fx("bn_running_var"), var, 5);
  }

  /** Inference (BN with the updated running statistics, dropout off) vs PyTorch eval mode. */
  @Test
  void inferenceWithUpdatedRunningStatistics() {
    float[] state = updatedState();
    Network net = network();
    float[] out = net.predictRaw(params, state, x, batch);
    assertClose("eval_logits", fx("eval_logits"), out, batch * net.outputSize());
    Evaluation ev = new Evaluation();
    net.evaluate(params, state, x, labels, batch, ev);
    assertEquals(batch, ev.count);
    assertClose("eval_loss_sum", new double[] {fx.getDouble("eval_loss_sum")},
        new float[] {(float) ev.lossSum}, 1);
  }

  private static float[] updatedState() {
    Network net = network();
    float[] state = net.initState();
    GradientSum acc = new GradientSum();
    net.accumulateGradient(params, state, x, labels, batch, seed, acc);
    net.updateRunningStats(state, acc.normStats);
    return state;
  }

  // ------------------------------------------------------------------ helpers

  private static double[] fx(String key) {
    List<Double> l = fx.getDoubleList(key);
    double[] a = new double[l.size()];
    for (int i = 0; i < a.length; i++) a[i] = l.get(i);
    return a;
  }

  /** Fixture values as float32; the fixture stores float32-exact values for params and inputs. */
  private static float[] floats(String key) {
    double[] d = fx(key);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  private static void assertClose(String what, double[] expected, float[] actual, int n) {
    assertEquals(n, expected.length, what + ": fixture length");
    assertTrue(actual.length >= n, what + ": actual has " + actual.length + " values, need " + n);
    double scale = 1;
    for (double e : expected) scale = Math.max(scale, Math.abs(e));
    double atol = ATOL * scale;
    double worst = 0;
    int worstAt = -1;
    StringBuilder bad = new StringBuilder();
    for (int i = 0; i < n; i++) {
      double err = Math.abs(actual[i] - expected[i]);
      double tol = RTOL * Math.abs(expected[i]) + atol;
      if (err / tol > worst) {
        worst = err / tol;
        worstAt = i;
      }
      if (!(err <= tol)) {
        bad.append(String.format("%n  [%d] expected %.9g, got %.9g (err %.3g, tol %.3g)",
            i, expected[i], actual[i], err, tol));
      }
    }
    if (bad.length() > 0) fail(what + " differs from the PyTorch reference:" + bad);
    if (Boolean.getBoolean("dptrain.reference.verbose")) {
      System.out.printf("%s: worst err/tol %.3g at [%d]%n", what, worst, worstAt);
    }
  }
}
