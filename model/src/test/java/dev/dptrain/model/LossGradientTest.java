package dev.dptrain.model;

import static dev.dptrain.model.GradientCheck.assertGradientsMatch;
import static dev.dptrain.model.GradientCheck.centralDifferences;
import static dev.dptrain.model.GradientCheck.toDouble;
import static dev.dptrain.model.GradientCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.model.loss.Loss;
import dev.dptrain.model.loss.MeanSquaredError;
import dev.dptrain.model.loss.SigmoidBinaryCrossEntropy;
import dev.dptrain.model.loss.SoftmaxCrossEntropy;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference checks of every loss: the delta written by {@code lossAndDelta} must be the
 * derivative of the loss SUM it returns with respect to each raw output. Losses are computed in
 * double from float outputs, so the central differences are accurate to about 1e-6 relative.
 */
class LossGradientTest {
  private static final int BATCH = 5;
  private static final int WIDTH = 4;

  /**
   * Compares delta with central differences of the returned sum (step h), checks that asking for
   * delta does not change the returned loss, that every delta entry is written and that the
   * inputs are left alone.
   */
  private static void check(Loss loss, float[] out, float[] labels, double h, double tol, double floor) {
    int n = BATCH * WIDTH;
    float[] outBefore = out.clone();
    float[] labelsBefore = labels.clone();
    float[] delta = new float[n];
    Arrays.fill(delta, Float.NaN);
    double withDelta = loss.lossAndDelta(out, labels, BATCH, WIDTH, delta);
    double withoutDelta = loss.lossAndDelta(out, labels, BATCH, WIDTH, null);
    assertEquals(withoutDelta, withDelta, loss.name() + ": the loss must not depend on whether delta is asked for");
    assertArrayEquals(outBefore, out, loss.name() + ": outputs modified");
    assertArrayEquals(labelsBefore, labels, loss.name() + ": labels modified");

    // The loss is evaluated in double from the (exactly perturbed) float outputs: each example's
    // term costs about WIDTH + 2 double roundings (exp per output, log, subtraction).
    double evalError = (WIDTH + 2) * GradientCheck.U64 * Math.abs(withoutDelta);
    var numeric = centralDifferences(out, 0, n, h, evalError, () -> loss.lossAndDelta(out, labels, BATCH, WIDTH, null));
    assertGradientsMatch(loss.name() + " delta", toDouble(delta, 0, n), numeric, tol, floor);
  }

  private static float[] classLabels(Rng rng) {
    float[] t = new float[BATCH];
    for (int i = 0; i < BATCH; i++) t[i] = rng.nextInt(WIDTH);
    return t;
  }

  @Test
  void softmaxCrossEntropy() {
    Rng rng = new Rng(61);
    Loss loss = new SoftmaxCrossEntropy();
    assertEquals(1, loss.labelWidth(WIDTH));
    check(loss, uniform(rng, BATCH * WIDTH, -3, 3), classLabels(rng), 1e-3, 2e-4, 1e-3);
  }

  @Test
  void softmaxCrossEntropyLargeLogits() {
    // Confident logits: softmax saturates, the max-subtraction path matters.
    Rng rng = new Rng(62);
    check(new SoftmaxCrossEntropy(), uniform(rng, BATCH * WIDTH, -12, 12), classLabels(rng), 1e-3, 2e-4, 1e-2);
  }

  @Test
  void sigmoidBinaryCrossEntropySoftTargets() {
    Rng rng = new Rng(63);
    Loss loss = new SigmoidBinaryCrossEntropy();
    assertEquals(WIDTH, loss.labelWidth(WIDTH));
    check(loss, uniform(rng, BATCH * WIDTH, -4, 4), uniform(rng, BATCH * WIDTH, 0, 1), 1e-3, 2e-4, 1e-3);
  }

  @Test
  void sigmoidBinaryCrossEntropyHardTargetsBothSigns() {
    // Hard 0/1 targets with logits of both signs and up to |z| = 12: exercises both branches
    // of max(z, 0) and of the stable sigmoid.
    Rng rng = new Rng(64);
    float[] t = new float[BATCH * WIDTH];
    for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(2);
    check(new SigmoidBinaryCrossEntropy(), uniform(rng, BATCH * WIDTH, -12, 12), t, 1e-3, 2e-4, 1e-2);
  }

  @Test
  void meanSquaredError() {
    Rng rng = new Rng(65);
    Loss loss = new MeanSquaredError();
    assertEquals(WIDTH, loss.labelWidth(WIDTH));
    // Quadratic: central differences are exact up to rounding.
    check(loss, uniform(rng, BATCH * WIDTH, -2, 2), uniform(rng, BATCH * WIDTH, -2, 2), 1e-2, 1e-5, 1e-3);
  }
}
