package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Construction limits at their boundaries (the smallest accepted and the largest refused value),
 * output shapes and the one-line descriptions shown in the network summary.
 */
class LayerContractsTest {
  private static void refused(Executable e, String... parts) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    for (String p : parts) assertTrue(ex.getMessage().contains(p), "'" + p + "' in: " + ex.getMessage());
  }

  private static final Shape IMG = Shape.image(2, 5, 7);

  @Test
  void conv2dLimitsAndShapes() {
    refused(() -> new Conv2D(IMG, 0, 3, 3, 1, 0, true, Init.HE_NORMAL), "filters must be positive, got 0");
    refused(() -> new Conv2D(IMG, 2, 0, 3, 1, 0, true, Init.HE_NORMAL), "kernel must be positive, got 0x3");
    refused(() -> new Conv2D(IMG, 2, 3, 0, 1, 0, true, Init.HE_NORMAL), "kernel must be positive, got 3x0");
    refused(() -> new Conv2D(IMG, 2, 3, 3, 0, 0, true, Init.HE_NORMAL), "stride must be positive, got 0");
    refused(() -> new Conv2D(IMG, 2, 3, 3, 1, -1, true, Init.HE_NORMAL), "padding must be >= 0, got -1");
    // Kernel exactly the padded input: one output; one more row or column: refused.
    assertEquals(Shape.image(1, 1, 1), new Conv2D(IMG, 1, 7, 9, 1, 1, true, Init.HE_NORMAL).outputShape());
    refused(() -> new Conv2D(IMG, 1, 8, 9, 1, 1, true, Init.HE_NORMAL), "kernel 8x9 is larger than the padded input 7x9");
    refused(() -> new Conv2D(IMG, 1, 7, 10, 1, 1, true, Init.HE_NORMAL), "kernel 7x10 is larger than the padded input 7x9");
    // (5 + 2 - 3)/2 + 1 = 3, (7 + 2 - 2)/2 + 1 = 4.
    Conv2D c = new Conv2D(IMG, 4, 3, 2, 2, 1, false, Init.HE_NORMAL);
    assertEquals(Shape.image(4, 3, 4), c.outputShape());
    assertEquals(4 * 2 * 3 * 2, c.paramCount(), "no bias");
    assertEquals("conv2d(4, 3x2, stride 2, pad 1, no bias, he_normal)", c.describe());
    Conv2D d = new Conv2D(IMG, 3, 1, 1, 1, 0, true, Init.HE_NORMAL);
    assertEquals(Shape.image(3, 5, 7), d.outputShape());
    assertEquals(3 * 2 + 3, d.paramCount());
    assertEquals("conv2d(3, 1x1, he_normal)", d.describe());
    assertEquals("conv2d(3, 1x1, weight-norm, he_normal)",
        new Conv2D(IMG, 3, 1, 1, 1, 0, true, true, Init.HE_NORMAL).describe());
  }

  @Test
  void poolingLimitsAndShapes() {
    refused(() -> new MaxPool2D(IMG, 0, 1, 0), "maxpool: kernel must be positive, got 0");
    refused(() -> new MaxPool2D(IMG, 2, 0, 0), "maxpool: stride must be positive, got 0");
    refused(() -> new AvgPool2D(IMG, 2, 2, -1), "avgpool: padding must be in [0, kernel/2], got -1 for kernel 2");
    refused(() -> new AvgPool2D(IMG, 2, 2, 2), "padding must be in [0, kernel/2], got 2 for kernel 2");
    assertEquals(Shape.image(2, 6, 8), new AvgPool2D(IMG, 2, 1, 1).outputShape(), "pad = kernel/2 is allowed");
    refused(() -> new MaxPool2D(IMG, 6, 1, 0), "maxpool: kernel 6 is larger than the padded input");
    refused(() -> new MaxPool2D(Shape.image(1, 7, 5), 6, 1, 0), "kernel 6 is larger than the padded input");
    assertEquals(Shape.image(2, 1, 3), new MaxPool2D(IMG, 5, 1, 0).outputShape());
    // Padding counts on both sides: a 2x2 window fits a 2x1 or 1x2 input padded by 1.
    assertEquals(Shape.image(1, 3, 2), new MaxPool2D(Shape.image(1, 2, 1), 2, 1, 1).outputShape());
    assertEquals(Shape.image(1, 2, 3), new AvgPool2D(Shape.image(1, 1, 2), 2, 1, 1).outputShape());
    assertEquals(Shape.image(2, 2, 3), new MaxPool2D(IMG, 2, 2, 0).outputShape());
    assertEquals(Shape.image(2, 3, 4), new MaxPool2D(IMG, 3, 2, 1).outputShape());
    assertEquals(Shape.image(2, 2, 3), new StochasticPool2D(IMG, 2, 2).outputShape());
    refused(() -> new StochasticPool2D(IMG, 2, 0), "stochastic_pool: stride must be positive");
    assertEquals("maxpool(2)", new MaxPool2D(IMG, 2, 2, 0).describe());
    assertEquals("maxpool(3, stride 2, pad 1)", new MaxPool2D(IMG, 3, 2, 1).describe());
    assertEquals("avgpool(2, stride 1)", new AvgPool2D(IMG, 2, 1, 0).describe());
    assertEquals("stochastic_pool(2)", new StochasticPool2D(IMG, 2, 2).describe());
  }

  @Test
  void activationLimitsAndDescriptions() {
    refused(() -> new Activation(IMG, Activation.Kind.LEAKY_RELU, 0), "leaky_relu: alpha must be in (0, 1), got 0");
    refused(() -> new Activation(IMG, Activation.Kind.LEAKY_RELU, 1), "got 1");
    refused(() -> new Activation(IMG, Activation.Kind.LEAKY_RELU, Double.NaN), "got NaN");
    refused(() -> new Activation(IMG, Activation.Kind.ELU, 0), "elu: alpha must be positive, got 0");
    assertEquals("leaky_relu(0.01)", new Activation(IMG, Activation.Kind.LEAKY_RELU, 0.01).describe());
    assertEquals("leaky_relu(0.99)", new Activation(IMG, Activation.Kind.LEAKY_RELU, 0.99).describe());
    assertEquals("elu(1.0E-4)", new Activation(IMG, Activation.Kind.ELU, 1e-4).describe());
    assertEquals("relu", new Activation(IMG, Activation.Kind.RELU, 5).describe(), "alpha unused and unchecked");
    assertEquals("tanh", new Activation(IMG, Activation.Kind.TANH, 0).describe());
    assertEquals(Activation.Kind.SIGMOID, new Activation(IMG, Activation.Kind.SIGMOID, 0).kind());
  }

  @Test
  void normalisationLimitsAndDescriptions() {
    refused(() -> new BatchNorm(IMG, 0, 0.1), "batchnorm: eps must be positive, got 0");
    refused(() -> new BatchNorm(IMG, Double.NaN, 0.1), "eps must be positive");
    refused(() -> new BatchNorm(IMG, 1e-5, 0), "momentum must be in (0, 1], got 0");
    refused(() -> new BatchNorm(IMG, 1e-5, 1.0000001), "momentum must be in (0, 1]");
    assertEquals("batchnorm2d(2)", new BatchNorm(IMG, 1e-5, 1).describe(), "momentum 1 is allowed");
    assertEquals("batchnorm1d(6)", new BatchNorm(Shape.vector(6), Double.MIN_VALUE, 0.5).describe());
    refused(() -> new LayerNorm(Shape.vector(4), 0), "eps must be positive, got 0");
    refused(() -> new GroupNorm(Shape.image(4, 1, 1), 3, 1e-5), "groups");
    refused(() -> new GroupNorm(Shape.image(4, 1, 1), 0, 1e-5), "groups");
    refused(() -> new GroupNorm(Shape.image(4, 1, 1), 4, 1e-5), "has 1 value");
    assertEquals("groupnorm(2 groups, 4 channels)", new GroupNorm(Shape.image(4, 1, 1), 2, 1e-5).describe());
    assertEquals("layernorm(" + Shape.vector(2) + ")", new LayerNorm(Shape.vector(2), 1e-5).describe(), "two values suffice");
    refused(() -> new LayerNorm(Shape.vector(1), 1e-5), "has 1 value");
    assertEquals("instancenorm(2, affine)", new InstanceNorm(IMG, true, 1e-5).describe());
    assertEquals("instancenorm(2)", new InstanceNorm(IMG, false, 1e-5).describe());
  }

  @Test
  void learnedLayerLimitsAndDescriptions() {
    refused(() -> new Dense(Shape.vector(3), 0, true, Init.HE_NORMAL), "must be positive, got 0");
    assertEquals("dense(1, he_normal)", new Dense(Shape.vector(3), 1, true, Init.HE_NORMAL).describe());
    assertEquals(7, new Dense(Shape.vector(3), 7, true, Init.HE_NORMAL).units());
    assertEquals("dense(2, no bias, he_normal)", new Dense(Shape.vector(3), 2, false, Init.HE_NORMAL).describe());
    refused(() -> new WeightNormDense(Shape.vector(3), 0, true, Init.HE_NORMAL), "must be positive, got 0");
    assertEquals("dense(2, weight-norm, he_normal)", new WeightNormDense(Shape.vector(3), 2, true, Init.HE_NORMAL).describe());
    assertEquals("dense(2, no bias, weight-norm, he_normal)",
        new WeightNormDense(Shape.vector(3), 2, false, Init.HE_NORMAL).describe());
    refused(() -> new Maxout(Shape.vector(3), 0, 2, Init.HE_NORMAL), "must be positive, got 0");
    refused(() -> new Maxout(Shape.vector(3), 2, 1, Init.HE_NORMAL), "maxout: pieces must be >= 2, got 1");
    Maxout m = new Maxout(Shape.vector(3), 1, 2, Init.HE_NORMAL);
    assertEquals("maxout(1 units x 2 pieces, he_normal)", m.describe());
    assertEquals(2 * 3 + 2, m.paramCount());
    assertEquals("prelu(shared)", new PReLU(IMG, PReLU.Mode.SHARED).describe());
    assertEquals("prelu(2 channels)", new PReLU(IMG, PReLU.Mode.CHANNEL).describe());
    refused(() -> new Dropout(IMG, 1), "dropout: rate must be in [0, 1), got 1");
    refused(() -> new Dropout(IMG, -0.01), "rate must be in [0, 1)");
    assertEquals("dropout(0.0)", new Dropout(IMG, 0).describe());
  }

  @Test
  void residualBlockLimitsAndDescriptions() {
    Shape v = Shape.vector(4);
    refused(() -> new ResidualBlock(v, List.of(), List.of()), "residual: the block needs at least one layer");
    refused(() -> new ResidualBlock(v, List.of(new Dense(v, 3, true, Init.HE_NORMAL)), List.of()), "residual: the branch maps");
    ResidualBlock id = new ResidualBlock(v, List.of(new Dense(v, 4, true, Init.HE_NORMAL)), List.of());
    assertEquals("residual(1 layers, identity)", id.describe());
    assertEquals("softmax", new Softmax(v).describe());
    // Projections: 2x2 -> 1x1 needs stride 2 (the largest stride searched), 1x1 -> 1x1 stride 1.
    List<Layer> p2 = ResidualBlock.projection(Shape.image(2, 2, 2), Shape.image(3, 1, 1), true, 1e-5, 0.1, Init.HE_NORMAL);
    assertEquals("conv2d(3, 1x1, stride 2, no bias, he_normal)", p2.get(0).describe());
    assertEquals("batchnorm1d(3)", p2.get(1).describe(), "a 1x1 output plane is described as 1d");
    List<Layer> p1 = ResidualBlock.projection(Shape.image(2, 1, 1), Shape.image(3, 1, 1), false, 1e-5, 0.1, Init.HE_NORMAL);
    assertEquals(1, p1.size());
    assertEquals("conv2d(3, 1x1, no bias, he_normal)", p1.get(0).describe());
    assertTrue(ResidualBlock.projection(IMG, IMG, true, 1e-5, 0.1, Init.HE_NORMAL).isEmpty());
    refused(() -> ResidualBlock.projection(Shape.image(2, 4, 4), Shape.image(2, 3, 2), true, 1e-5, 0.1, Init.HE_NORMAL),
        "no 1x1 projection with one stride");
    assertEquals("global_avgpool", new GlobalAvgPool(IMG).describe());
    assertEquals("flatten", new Flatten(IMG).describe());
    assertEquals(20, id.paramCount());
  }

  /** Output of a dropout layer (rate 1/2) over ones: its mask, times 2. */
  private static float[] mask(Layer d, long seed) {
    Pass p = new Pass();
    p.params = new float[0];
    p.training = true;
    p.seed = seed;
    float[] ones = new float[64];
    java.util.Arrays.fill(ones, 1f);
    return d.forward(p, ones, 1).clone();
  }

  @Test
  void layersInsideAResidualBlockHaveRandomStreamsOfTheirOwn() {
    Shape v = Shape.vector(64);
    ResidualBlock rb = new ResidualBlock(v, List.of(new Dropout(v, 0.5), new Dropout(v, 0.5)), List.of());
    rb.bind(0, 0, 1);
    float[] a = mask(rb.children().get(0), 5);
    float[] b = mask(rb.children().get(1), 5);
    assertTrue(!java.util.Arrays.equals(a, b), "the two inner dropouts draw different masks");
    for (int index = 0; index < 16; index++) {
      Dropout top = new Dropout(v, 0.5);
      top.bind(0, 0, index);
      float[] m = mask(top, 5);
      assertTrue(!java.util.Arrays.equals(a, m) && !java.util.Arrays.equals(b, m),
          "inner masks differ from the top-level layer " + index);
    }
  }

  @Test
  void preluInputGradientAtZeroUsesTheSlope() {
    PReLU l = new PReLU(Shape.vector(3), PReLU.Mode.SHARED);
    l.bind(0, 0, 0);
    Pass p = new Pass();
    p.params = new float[] {0.25f};
    p.grads = new float[1];
    p.training = true;
    l.forward(p, new float[] {-2, 0, 3}, 1);
    float[] dx = l.backward(p, new float[] {1, 2, 4}, 1, true);
    // x > 0 ? dy : a·dy, as PyTorch: at x = 0 the slope applies.
    assertEquals(0.25f, dx[0]);
    assertEquals(0.5f, dx[1]);
    assertEquals(4f, dx[2]);
    assertEquals(-2f, p.grads[0], "dL/da = Σ dy·min(x, 0)");
  }
}
