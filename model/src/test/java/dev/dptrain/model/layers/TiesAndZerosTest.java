package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Where the derivative or the winner is a convention, the convention PyTorch uses: max pooling
 * and maxout route a tie to the first maximum; relu'(0) = 0, leaky_relu'(0) = λ, elu'(0) = α;
 * stochastic pooling samples only positive values and passes no gradient to a window without one.
 */
class TiesAndZerosTest {
  private static Pass pass(float[] params, boolean training, long seed) {
    Pass p = new Pass();
    p.params = params;
    p.grads = new float[params.length];
    p.state = new float[0];
    p.training = training;
    p.seed = seed;
    return p;
  }

  private static float[] maxPoolGradient(MaxPool2D l, float[] x, int outs) {
    l.bind(0, 0, 0);
    Pass p = pass(new float[0], true, 0);
    l.forward(p, x, 1);
    float[] dy = new float[outs];
    Arrays.fill(dy, 1f);
    return Arrays.copyOf(l.backward(p, dy, 1, true), x.length);
  }

  @Test
  void maxPoolTiesGoToTheFirstMaximum() {
    // 2x2 windows, stride 2 (the fast path): every window is a tie of its first two values.
    float[] x = {5, 5, 7, 7, 1, 5, 7, 7};
    float[] dx = maxPoolGradient(new MaxPool2D(Shape.image(1, 2, 4), 2, 2, 0), x, 2);
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0, 0, 0}, dx);
    // The same windows through the general path (kernel 2, stride 2, padding 1 shifts them).
    float[] g = {3, 3, 3, 3};
    float[] dg = maxPoolGradient(new MaxPool2D(Shape.image(1, 2, 2), 2, 2, 1), g, 4);
    assertArrayEquals(new float[] {1, 1, 1, 1}, dg, "each of the 4 windows holds one input");
    float[] t = {2, 2, 2, 2, 2, 2, 2, 2, 2};
    float[] dt = maxPoolGradient(new MaxPool2D(Shape.image(1, 3, 3), 3, 1, 0), t, 1);
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 0, 0}, dt);
    // Fast path: ties in the second row only.
    float[] r = {0, 1, 4, 4, 0, 0, 4, 4};
    float[] dr = maxPoolGradient(new MaxPool2D(Shape.image(1, 2, 4), 2, 2, 0), r, 2);
    assertArrayEquals(new float[] {0, 1, 1, 0, 0, 0, 0, 0}, dr);
    float[] q = {0, 0, 3, 3, 0, 0, 0, 0};
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0, 0, 0},
        maxPoolGradient(new MaxPool2D(Shape.image(1, 2, 4), 2, 2, 0), q, 2));
    float[] u = {0, 0, 0, 0, 2, 2, 0, 0};
    assertArrayEquals(new float[] {0, 0, 1, 0, 1, 0, 0, 0},
        maxPoolGradient(new MaxPool2D(Shape.image(1, 2, 4), 2, 2, 0), u, 2));
  }

  @Test
  void maxoutTiesGoToTheFirstPieceAndOneExampleWorks() {
    // 1 input, 3 units x 2 pieces; weights w_r, biases b_r; z_r = w_r·x + b_r.
    Maxout m = new Maxout(Shape.vector(1), 3, 2, Init.HE_NORMAL);
    m.bind(0, 0, 0);
    float[] params = {1, 1, 2, -1, 0, 3, /* biases */ 0, 0, 0, 1, 0, 0};
    Pass p = pass(params, true, 0);
    float[] y = m.forward(p, new float[] {2}, 1).clone();
    // z = (2, 2), (4, -1), (0, 6): ties in unit 0.
    assertArrayEquals(new float[] {2, 4, 6}, Arrays.copyOf(y, 3));
    float[] dx = m.backward(p, new float[] {1, 1, 1}, 1, true);
    assertEquals(1 + 2 + 3, dx[0], "Σ of the winning weights");
    assertArrayEquals(new float[] {2, 0, 2, 0, 0, 2, 1, 0, 1, 0, 0, 1}, p.grads, "gradient to the first of tied pieces");
  }

  private static float[] derivative(Activation.Kind kind, double alpha, float... z) {
    Activation a = new Activation(Shape.vector(z.length), kind, alpha);
    a.bind(0, 0, 0);
    Pass p = pass(new float[0], true, 0);
    a.forward(p, z, 1);
    float[] dy = new float[z.length];
    Arrays.fill(dy, 2f);
    return Arrays.copyOf(a.backward(p, dy, 1, true), z.length);
  }

  @Test
  void activationDerivativesAtZeroAndTails() {
    assertArrayEquals(new float[] {0, 0, 2}, derivative(Activation.Kind.RELU, 0, -1, 0, 1));
    assertArrayEquals(new float[] {0.5f, 0.5f, 2}, derivative(Activation.Kind.LEAKY_RELU, 0.25, -1, 0, 1));
    assertArrayEquals(new float[] {3, 2}, derivative(Activation.Kind.ELU, 1.5, 0, 1));
    assertArrayEquals(new float[] {2}, derivative(Activation.Kind.TANH, 0, 0));
    assertArrayEquals(new float[] {0.5f}, derivative(Activation.Kind.SIGMOID, 0, 0));
    assertArrayEquals(new float[] {2, 2}, derivative(Activation.Kind.IDENTITY, 0, -3, 7));
    // The stable sigmoid: no NaN from exp overflow on either tail.
    assertEquals(1f, Activation.sigmoid(1000f));
    assertEquals(0f, Activation.sigmoid(-1000f));
    assertEquals("sigmoid", new Activation(Shape.vector(1), Activation.Kind.SIGMOID, 0).toString());
  }

  @Test
  void stochasticPoolWithoutPositiveValues() {
    // One channel 2x4, windows 2x2: the first window has its only positive value at index 0 (the
    // very first input), the second window has none.
    StochasticPool2D l = new StochasticPool2D(Shape.image(1, 2, 4), 2, 2);
    l.bind(0, 0, 0);
    float[] x = {3, 0, 0, -1, -2, 0, -4, 0};
    for (long seed = 0; seed < 5; seed++) {
      Pass p = pass(new float[0], true, seed);
      float[] y = l.forward(p, x, 1).clone();
      assertEquals(3f, y[0], "the only positive value is always picked");
      assertEquals(0f, y[1], "no positive value: output 0");
      float[] dx = l.backward(p, new float[] {5, 7}, 1, true);
      assertArrayEquals(new float[] {5, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(dx, 8), "seed " + seed);
    }
    // Inference: Σx²/Σx over positive values, 0 for a window without any (not 0/0).
    float[] y = l.forward(pass(new float[0], false, 0), x, 1);
    assertEquals(3f, y[0]);
    assertEquals(0f, y[1]);
  }
}
