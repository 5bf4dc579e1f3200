package dev.dptrain.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.layers.Pass;
import dev.dptrain.model.layers.Softmax;
import org.junit.jupiter.api.Test;

/** Losses and softmax stay finite and exact for logits of ±1000, where naive exp() overflows. */
class SoftmaxStabilityTest {
  private static void assertAllFinite(float[] a, int n) {
    for (int i = 0; i < n; i++) assertTrue(Float.isFinite(a[i]), "element " + i + " = " + a[i]);
  }

  @Test
  void crossEntropyWithHugeLogitsIsFiniteAndAnalytic() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    float[] z = {1000, -1000, 0};
    // L = log Σ e^z - z_t; log Σ e^z = 1000 + log(1 + e^-1000 + e^-2000) = 1000 in double.
    float[] delta = new float[3];
    double l0 = ce.lossAndDelta(z, new float[] {0}, 1, 3, delta);
    assertEquals(0, l0, 1e-12);
    assertArrayEquals(new float[] {0, 0, 0}, delta, 1e-12f);
    double l1 = ce.lossAndDelta(z, new float[] {1}, 1, 3, delta);
    assertEquals(2000, l1, 1e-9);
    assertArrayEquals(new float[] {1, -1, 0}, delta, 1e-12f);
    double l2 = ce.lossAndDelta(z, new float[] {2}, 1, 3, delta);
    assertEquals(1000, l2, 1e-9);
    assertArrayEquals(new float[] {1, 0, -1}, delta, 1e-12f);
  }

  @Test
  void crossEntropyBatchSumsRowsAndHandlesAllNegativeLogits() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    // Row 0: [1000, -1000, 0] label 1 -> 2000. Row 1: all -1000 -> uniform, loss log 3.
    // Row 2: [-1000, 1000, 1000] label 0 -> log(2 e^1000) + 1000 = 2000 + log 2.
    float[] z = {1000, -1000, 0, -1000, -1000, -1000, -1000, 1000, 1000};
    float[] delta = new float[9];
    double loss = ce.lossAndDelta(z, new float[] {1, 2, 0}, 3, 3, delta);
    assertEquals(2000 + Math.log(3) + 2000 + Math.log(2), loss, 1e-9);
    assertAllFinite(delta, 9);
    float third = (float) (1.0 / 3);
    assertArrayEquals(new float[] {1, -1, 0, third, third, third - 1, -1, 0.5f, 0.5f}, delta, 1e-6f);
    // Without a delta buffer (evaluation) the loss is the same.
    assertEquals(loss, ce.lossAndDelta(z, new float[] {1, 2, 0}, 3, 3, null), 0);
    // Argmaxes 0, 0 (all tied: the first) and 1 (tied with 2: the first).
    assertEquals(3, ce.countCorrect(z, new float[] {0, 0, 1}, 3, 3));
    assertEquals(1, ce.countCorrect(z, new float[] {1, 0, 2}, 3, 3));
  }

  @Test
  void crossEntropyMatchesDirectFormulaOnModerateLogits() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    float[] z = {1, 2, 3, -0.5f};
    double sum = Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(-0.5);
    float[] delta = new float[4];
    double loss = ce.lossAndDelta(z, new float[] {1}, 1, 4, delta);
    assertEquals(-Math.log(Math.exp(2) / sum), loss, 1e-6);
    assertEquals(Math.exp(1) / sum, delta[0], 1e-6);
    assertEquals(Math.exp(2) / sum - 1, delta[1], 1e-6);
    assertEquals(Math.exp(3) / sum, delta[2], 1e-6);
    assertEquals(Math.exp(-0.5) / sum, delta[3], 1e-6);
  }

  @Test
  void crossEntropyRejectsLabelsThatAreNotClassIndices() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    float[] z = {0, 0, 0};
    assertThrows(IllegalArgumentException.class, () -> ce.lossAndDelta(z, new float[] {3}, 1, 3, null));
    assertThrows(IllegalArgumentException.class, () -> ce.lossAndDelta(z, new float[] {-1}, 1, 3, null));
    assertThrows(IllegalArgumentException.class, () -> ce.lossAndDelta(z, new float[] {0.5f}, 1, 3, null));
  }

  @Test
  void softmaxLayerWithHugeLogitsGivesProbabilities() {
    Softmax s = new Softmax(Shape.vector(3));
    s.bind(0, 0, 0);
    Pass p = new Pass();
    p.params = new float[0];
    float[] x = {1000, -1000, 0, 1000, 1000, -1000, -1000, -1000, -1000, 0, 1, 2};
    float[] y = s.forward(p, x, 4);
    assertAllFinite(y, 12);
    for (int i = 0; i < 4; i++) {
      double sum = 0;
      for (int j = 0; j < 3; j++) {
        assertTrue(y[i * 3 + j] >= 0 && y[i * 3 + j] <= 1, "probability " + y[i * 3 + j]);
        sum += y[i * 3 + j];
      }
      assertEquals(1, sum, 1e-6, "row " + i + " sums to 1");
    }
    assertArrayEquals(new float[] {1, 0, 0}, java.util.Arrays.copyOfRange(y, 0, 3), 0f);
    assertArrayEquals(new float[] {0.5f, 0.5f, 0}, java.util.Arrays.copyOfRange(y, 3, 6), 0f);
    float third = (float) (1.0 / 3);
    assertArrayEquals(new float[] {third, third, third}, java.util.Arrays.copyOfRange(y, 6, 9), 1e-7f);
    double e = 1 + Math.E + Math.exp(2);
    assertArrayEquals(new float[] {(float) (1 / e), (float) (Math.E / e), (float) (Math.exp(2) / e)},
        java.util.Arrays.copyOfRange(y, 9, 12), 1e-6f);
  }

  @Test
  void crossEntropyPredictionIsStableSoftmax() {
    SoftmaxCrossEntropy ce = new SoftmaxCrossEntropy();
    float[] z = {1000, -1000, 0, -1000, 1000, 1000};
    ce.toPrediction(z, 2, 3);
    assertArrayEquals(new float[] {1, 0, 0, 0, 0.5f, 0.5f}, z, 0f);
  }

  @Test
  void sigmoidBinaryCrossEntropyWithHugeLogits() {
    SigmoidBinaryCrossEntropy bce = new SigmoidBinaryCrossEntropy();
    // L = -t log σ(z) - (1-t) log(1-σ(z)): σ(1000) = 1 so t = 1 costs 0 and t = 0 costs 1000.
    float[] z = {1000, 1000, -1000, -1000};
    float[] t = {1, 0, 1, 0};
    float[] delta = new float[4];
    double[] each = new double[4];
    for (int i = 0; i < 4; i++) {
      float[] d1 = new float[1];
      each[i] = bce.lossAndDelta(new float[] {z[i]}, new float[] {t[i]}, 1, 1, d1);
      delta[i] = d1[0];
      assertTrue(Double.isFinite(each[i]));
    }
    assertArrayEquals(new double[] {0, 1000, 1000, 0}, each, 1e-9);
    // dL/dz = σ(z) - t.
    assertArrayEquals(new float[] {0, 1, -1, 0}, delta, 0f);
    // As one batch of width 2: the sum.
    float[] d = new float[4];
    assertEquals(2000, bce.lossAndDelta(z, t, 2, 2, d), 1e-9);
    assertArrayEquals(new float[] {0, 1, -1, 0}, d, 0f);
    assertEquals(0, bce.countCorrect(z, t, 2, 2), "each example has one wrong output");
    assertEquals(2, bce.countCorrect(z, new float[] {1, 1, 0, 0}, 2, 2));
    assertEquals(1, bce.countCorrect(z, new float[] {1, 1, 0, 1}, 2, 2));
    bce.toPrediction(z, 2, 2);
    assertArrayEquals(new float[] {1, 1, 0, 0}, z, 0f);
  }

  @Test
  void sigmoidBinaryCrossEntropyMatchesDirectFormulaWithSoftTargets() {
    SigmoidBinaryCrossEntropy bce = new SigmoidBinaryCrossEntropy();
    float[] z = {0.5f, -2f, 0f};
    float[] t = {0.3f, 1f, 0.5f};
    float[] delta = new float[3];
    double loss = bce.lossAndDelta(z, t, 1, 3, delta);
    double expected = 0;
    for (int i = 0; i < 3; i++) {
      double s = 1 / (1 + Math.exp(-z[i]));
      expected += -t[i] * Math.log(s) - (1 - t[i]) * Math.log(1 - s);
      assertEquals(s - t[i], delta[i], 1e-7, "delta " + i);
    }
    assertEquals(expected, loss, 1e-9);
    // z = 0, t = 0.5: exactly log 2.
    assertEquals(Math.log(2), bce.lossAndDelta(new float[] {0}, new float[] {0.5f}, 1, 1, null), 1e-15);
  }
}
