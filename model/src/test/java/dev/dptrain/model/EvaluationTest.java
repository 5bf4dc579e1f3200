package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Regression figures: plain MSE (not ½), RMSE, MAE and R², merged across parts and in target units. */
class EvaluationTest {
  private static final float[] H = {1f, 2f, 4f, 3.5f, -1f};
  private static final float[] Y = {1.5f, 2f, 3f, 3f, 0f};

  @Test
  void figuresMatchTheirDefinitions() {
    Evaluation e = new Evaluation();
    e.addRegression(H, Y, H.length);
    // residuals -0.5, 0, 1, 0.5, -1: Σd² = 2.5, Σ|d| = 3; y mean 1.9, SS_tot = 0.16+0.01+1.21+1.21+3.61 = 6.2
    assertEquals(2.5 / 5, e.mse(), 1e-12);
    assertEquals(Math.sqrt(0.5), e.rmse(), 1e-12);
    assertEquals(3.0 / 5, e.mae(), 1e-12);
    assertEquals(1 - 2.5 / 6.2, e.r2(), 1e-12);
    assertTrue(e.hasRegression());
    assertFalse(new Evaluation().hasRegression());
    assertTrue(Double.isNaN(new Evaluation().mse()));
  }

  @Test
  void partsMergeToTheWhole() {
    Evaluation whole = new Evaluation();
    whole.addRegression(H, Y, H.length);
    Evaluation a = new Evaluation();
    a.addRegression(new float[] {1f, 2f}, new float[] {1.5f, 2f}, 2);
    Evaluation b = new Evaluation();
    b.addRegression(new float[] {4f, 3.5f, -1f}, new float[] {3f, 3f, 0f}, 3);
    Evaluation merged = new Evaluation().merge(a).merge(new Evaluation()).merge(b);
    assertEquals(whole.mse(), merged.mse(), 1e-12);
    assertEquals(whole.mae(), merged.mae(), 1e-12);
    assertEquals(whole.r2(), merged.r2(), 1e-12);
  }

  @Test
  void standardisedTargetsAreReportedInTargetUnits() {
    // the same data divided by std 4 (and shifted): MSE scales by 16, MAE by 4, R² is unchanged
    float[] h = new float[H.length];
    float[] y = new float[Y.length];
    for (int i = 0; i < H.length; i++) {
      h[i] = (H[i] - 10f) / 4f;
      y[i] = (Y[i] - 10f) / 4f;
    }
    Evaluation raw = new Evaluation();
    raw.addRegression(H, Y, H.length);
    Evaluation scaled = new Evaluation();
    scaled.targetScale = 4;
    scaled.addRegression(h, y, h.length);
    Evaluation merged = new Evaluation().merge(scaled);
    // float32 inputs: (x - 10)/4 is exact for these quarter-valued numbers
    assertEquals(raw.mse(), merged.mse(), 1e-12);
    assertEquals(raw.mae(), merged.mae(), 1e-12);
    assertEquals(raw.r2(), merged.r2(), 1e-12);
  }
}
