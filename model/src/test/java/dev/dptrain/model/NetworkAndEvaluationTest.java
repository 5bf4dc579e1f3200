package dev.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.config.NetworkSpec;
import org.junit.jupiter.api.Test;

/** Evaluation sums and the network's public helpers (prediction transform, label width, summary). */
class NetworkAndEvaluationTest {
  @Test
  void evaluationMergeAndMeans() {
    Evaluation a = new Evaluation();
    assertTrue(Double.isNaN(a.meanLoss()), "no examples: no mean");
    assertTrue(Double.isNaN(a.accuracy()));
    a.lossSum = 3;
    a.count = 4;
    a.correct = 1;
    Evaluation b = new Evaluation();
    b.lossSum = 1.5;
    b.count = 2;
    b.correct = 2;
    assertSame(a, a.merge(b));
    assertEquals(4.5, a.lossSum);
    assertEquals(6, a.count);
    assertEquals(3, a.correct);
    assertEquals(0.75, a.meanLoss());
    assertEquals(0.5, a.accuracy());
    assertEquals("loss 0.7500, accuracy 0.5000 (6 examples)", a.toString());
    Evaluation reg = new Evaluation();
    reg.hasAccuracy = false;
    reg.count = 1;
    a.merge(reg);
    assertFalse(a.hasAccuracy, "one regression part makes the whole without accuracy");
    assertTrue(Double.isNaN(a.accuracy()));
    assertEquals(4.5 / 7, a.meanLoss());
  }

  @Test
  void predictionLabelWidthAndSummary() {
    Network cls = Network.build(NetworkSpec.builder(Shape.vector(3)).dense(4).loss("softmax_cross_entropy").build());
    assertEquals(1, cls.labelWidth());
    float[] p = cls.predict(cls.initParams(1), cls.initState(), new float[] {1, -2, 3, 0.5f, 0, 1}, 2);
    for (int i = 0; i < 2; i++) {
      double s = 0;
      for (int j = 0; j < 4; j++) {
        assertTrue(p[4 * i + j] > 0 && p[4 * i + j] < 1);
        s += p[4 * i + j];
      }
      assertEquals(1, s, 1e-6, "probabilities of example " + i);
    }
    Network reg = Network.build(NetworkSpec.builder(Shape.vector(3)).dense(2).loss("mse").build());
    assertEquals(2, reg.labelWidth());
    String summary = reg.summary();
    assertTrue(summary.contains("dense(2, he_normal)") && summary.contains("loss: mse; 8 trainable parameters, 0 state floats"),
        summary);
    Network res = Network.build(NetworkSpec.builder(Shape.vector(3))
        .residual(new dev.dptrain.model.config.LayerSpec.DenseSpec(3, true, dev.dptrain.model.init.Init.HE_NORMAL))
        .dense(1).loss("mse").build());
    assertTrue(res.summary().contains("residual(1 layers, identity)") && res.summary().contains("    dense(3, he_normal)"),
        res.summary());
  }
}
