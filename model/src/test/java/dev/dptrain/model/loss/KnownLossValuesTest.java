package dev.dptrain.model.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Known values of every loss and its delta. A gradient check only shows that a loss and its
 * gradient agree; these pin the loss itself (e.g. ½(h - y)², not ½(h + y)²).
 */
class KnownLossValuesTest {
  @Test
  void meanSquaredErrorIsHalfTheSquaredDifference() {
    MeanSquaredError l = new MeanSquaredError();
    float[] h = {1, 2, 0.5f, -1};
    float[] y = {3, -1, 0.5f, -3};
    float[] delta = new float[4];
    // d = h - y = (-2, 3, 0, 2): Σ½d² = 2 + 4.5 + 0 + 2 = 8.5 (two examples of width 2).
    assertEquals(8.5, l.lossAndDelta(h, y, 2, 2, delta), 0);
    assertArrayEquals(new float[] {-2, 3, 0, 2}, delta);
    assertEquals(8.5, l.lossAndDelta(h, y, 2, 2, null), 0, "delta is optional");
    // Only the first batch·width values are read.
    assertEquals(2.0, l.lossAndDelta(h, y, 1, 1, delta), 0);
    assertEquals(3, l.labelWidth(3));
    assertFalse(l.hasAccuracy());
    assertEquals(-1, l.countCorrect(h, y, 2, 2));
    float[] p = h.clone();
    l.toPrediction(p, 2, 2);
    assertArrayEquals(h, p, "regression predictions are the raw outputs");
    assertEquals("mse", l.name());
  }

  @Test
  void softmaxCrossEntropyOfKnownLogits() {
    SoftmaxCrossEntropy l = new SoftmaxCrossEntropy();
    // Logits (0, ln 3): p = (1/4, 3/4). Example 0 has class 1: loss -ln(3/4); example 1 class 0: ln 4.
    float ln3 = (float) Math.log(3);
    float[] z = {0, ln3, 0, ln3};
    float[] y = {1, 0};
    float[] delta = new float[4];
    double loss = l.lossAndDelta(z, y, 2, 2, delta);
    assertEquals(-Math.log(0.75) + Math.log(4), loss, 1e-6);
    assertArrayEquals(new float[] {0.25f, -0.25f, -0.75f, 0.75f}, delta, 1e-6f);
    assertTrue(l.hasAccuracy());
    assertEquals(1, l.countCorrect(z, y, 2, 2), "argmax is class 1 for both");
    float[] p = z.clone();
    l.toPrediction(p, 2, 2);
    assertArrayEquals(new float[] {0.25f, 0.75f, 0.25f, 0.75f}, p, 1e-6f);
    assertEquals("softmax_cross_entropy", l.name());
    assertEquals(1, l.labelWidth(10), "one class index per example");
  }

  @Test
  void sigmoidBinaryCrossEntropyOfKnownLogits() {
    SigmoidBinaryCrossEntropy l = new SigmoidBinaryCrossEntropy();
    // z = 0: σ = 1/2, loss ln 2 whatever the label; z = ln 3: σ = 3/4, label 0: loss -ln(1/4).
    float[] z = {0, (float) Math.log(3)};
    float[] t = {1, 0};
    float[] delta = new float[2];
    double loss = l.lossAndDelta(z, t, 2, 1, delta);
    assertEquals(Math.log(2) + Math.log(4), loss, 1e-6);
    assertArrayEquals(new float[] {-0.5f, 0.75f}, delta, 1e-6f);
    assertEquals(0, l.countCorrect(z, t, 2, 1), "z = 0 predicts 0 (not > 0), z > 0 predicts 1");
    float[] p = z.clone();
    l.toPrediction(p, 2, 1);
    assertArrayEquals(new float[] {0.5f, 0.75f}, p, 1e-6f);
    // A soft label of exactly 1/2 counts as class 0; z just above 0 predicts 1.
    assertEquals(2, l.countCorrect(new float[] {Float.MIN_VALUE, -1}, new float[] {1, 0.5f}, 2, 1));
    assertEquals(0, l.countCorrect(new float[] {1}, new float[] {0.5f}, 1, 1));
    assertTrue(l.hasAccuracy());
    assertEquals("sigmoid_binary_cross_entropy", l.name());
  }
}
