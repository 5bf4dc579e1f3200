package dev.dptrain.model.ops;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.centralDifferences;
import static dev.dptrain.model.GradientCheck.objectiveWeights;
import static dev.dptrain.model.GradientCheck.toFloat;
import static dev.dptrain.model.GradientCheck.uniform;
import static dev.dptrain.model.GradientCheck.weightedSum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientCheck;
import dev.dptrain.model.Rng;
import org.junit.jupiter.api.Test;

/**
 * The reusable weight-norm reparametrisation: w_i = g_i v_i / ‖v_i‖ and its backward, on a matrix
 * laid out as a convolution would use it ([cout, cin·kh·kw] at an offset inside a larger parameter
 * vector, g elsewhere in it, dL/dw at an offset in a scratch buffer).
 */
class WeightNormTest {
  private static final int ROWS = 4;     // cout
  private static final int COLS = 2 * 3 * 3; // cin * kh * kw
  private static final int V_OFF = 7;
  private static final int G_OFF = V_OFF + ROWS * COLS + 3;

  private static float[] params(Rng rng) {
    float[] p = uniform(rng, G_OFF + ROWS + 2, -1, 1);
    for (int i = 0; i < ROWS; i++) p[G_OFF + i] = (float) (0.5 + rng.nextDouble()) * (i % 2 == 0 ? 1 : -1);
    return p;
  }

  @Test
  void rowsHaveNormGAndDirectionV() {
    float[] p = params(new Rng(1));
    float[] w = new float[2 + ROWS * COLS];
    float[] inv = new float[ROWS];
    WeightNorm.weights(p, V_OFF, G_OFF, ROWS, COLS, w, 2, inv);
    for (int i = 0; i < ROWS; i++) {
      double norm = 0;
      double vNorm = 0;
      for (int j = 0; j < COLS; j++) {
        norm += (double) w[2 + i * COLS + j] * w[2 + i * COLS + j];
        vNorm += (double) p[V_OFF + i * COLS + j] * p[V_OFF + i * COLS + j];
      }
      vNorm = Math.sqrt(vNorm);
      assertEquals(Math.abs(p[G_OFF + i]), Math.sqrt(norm), 1e-5, "‖w_" + i + "‖ = |g_" + i + "|");
      assertEquals(1 / vNorm, inv[i], 1e-6 / vNorm, "saved 1/‖v_" + i + "‖");
      for (int j = 0; j < COLS; j++) {
        double expected = p[G_OFF + i] * p[V_OFF + i * COLS + j] / vNorm;
        assertEquals(expected, w[2 + i * COLS + j], 1e-6, "w[" + i + "][" + j + "]");
      }
    }
  }

  /** dL/dv and dL/dg for L = Σ r·w against central differences, added into pre-filled gradients. */
  @Test
  void backwardMatchesFiniteDifferencesAndAdds() {
    Rng rng = new Rng(2);
    float[] p = params(rng);
    double[] r = objectiveWeights(rng, ROWS * COLS);
    float[] w = new float[ROWS * COLS];
    float[] inv = new float[ROWS];
    WeightNorm.weights(p, V_OFF, G_OFF, ROWS, COLS, w, 0, inv);
    float[] dw = new float[5 + ROWS * COLS];
    System.arraycopy(toFloat(r), 0, dw, 5, ROWS * COLS);
    float[] prefill = uniform(rng, p.length, -1, 1);
    float[] grads = prefill.clone();
    WeightNorm.backward(p, V_OFF, G_OFF, ROWS, COLS, inv, dw, 5, grads);
    for (int i = 0; i < p.length; i++) {
      boolean own = (i >= V_OFF && i < V_OFF + ROWS * COLS) || (i >= G_OFF && i < G_OFF + ROWS);
      if (!own) assertEquals(prefill[i], grads[i], 0f, "gradient outside v and g changed at " + i);
    }
    double[] dv = new double[ROWS * COLS];
    double[] dg = new double[ROWS];
    for (int k = 0; k < dv.length; k++) dv[k] = (double) grads[V_OFF + k] - prefill[V_OFF + k];
    for (int k = 0; k < ROWS; k++) dg[k] = (double) grads[G_OFF + k] - prefill[G_OFF + k];
    java.util.function.DoubleSupplier objective = () -> {
      WeightNorm.weights(p, V_OFF, G_OFF, ROWS, COLS, w, 0, inv);
      return weightedSum(r, w);
    };
    double scale = GradientCheck.float32Error(r, w);
    assertGradientsMatch("weight norm dv", dv, centralDifferences(p, V_OFF, ROWS * COLS, 5e-3, scale, objective), 2e-3, 1e-2);
    assertGradientsMatch("weight norm dg", dg, centralDifferences(p, G_OFF, ROWS, 5e-3, scale, objective), 1e-3, 1e-2);
    // dL/dv is orthogonal to v in every row: scaling v does not change w.
    for (int i = 0; i < ROWS; i++) {
      double dot = 0;
      for (int j = 0; j < COLS; j++) dot += dv[i * COLS + j] * p[V_OFF + i * COLS + j];
      assertEquals(0, dot, 1e-5, "dv_" + i + " · v_" + i);
    }
  }

  @Test
  void initGainMakesWEqualV() {
    float[] p = params(new Rng(3));
    WeightNorm.initGain(p, V_OFF, G_OFF, ROWS, COLS);
    float[] w = new float[ROWS * COLS];
    WeightNorm.weights(p, V_OFF, G_OFF, ROWS, COLS, w, 0, new float[ROWS]);
    for (int k = 0; k < w.length; k++) assertEquals(p[V_OFF + k], w[k], 1e-6, "w[" + k + "]");
  }

  @Test
  void zeroDirectionRowGivesZerosNotNaN() {
    float[] p = params(new Rng(4));
    java.util.Arrays.fill(p, V_OFF + COLS, V_OFF + 2 * COLS, 0f);
    float[] w = new float[ROWS * COLS];
    float[] inv = new float[ROWS];
    WeightNorm.weights(p, V_OFF, G_OFF, ROWS, COLS, w, 0, inv);
    float[] dw = uniform(new Rng(5), ROWS * COLS, -1, 1);
    float[] grads = new float[p.length];
    WeightNorm.backward(p, V_OFF, G_OFF, ROWS, COLS, inv, dw, 0, grads);
    for (int j = 0; j < COLS; j++) assertEquals(0, w[COLS + j], 0.0, "w of the zero row");
    for (float g : grads) assertTrue(Float.isFinite(g), "non-finite gradient");
    assertEquals(0, grads[G_OFF + 1], 0.0, "dg of the zero row");
  }
}
