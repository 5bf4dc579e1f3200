package dev.dptrain.model.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Descriptions shown in the run summary and the decoupled-decay switch. */
class OptimizerDescriptionTest {
  @Test
  void descriptions() {
    assertEquals("sgd", new Sgd(0, false).describe());
    assertEquals("sgd(momentum 0.9)", new Sgd(0.9, false).describe());
    assertEquals("sgd(momentum 0.5, nesterov)", new Sgd(0.5, true).describe());
    assertEquals("adam(β1 0.9, β2 0.999, ε 1.0E-8)", new Adam(0.9, 0.999, 1e-8, 0).describe());
    assertEquals("adamw(β1 0.9, β2 0.999, ε 1.0E-8, weight decay 0.01)", new Adam(0.9, 0.999, 1e-8, 0.01).describe());
    assertEquals("adamw(β1 0.8, β2 0.99, ε 1.0E-6, weight decay 4.9E-324)",
        new Adam(0.8, 0.99, 1e-6, Double.MIN_VALUE).describe(), "the smallest decay is still AdamW");
    assertFalse(new Adam(0.9, 0.999, 1e-8, 0).decoupledWeightDecay());
    assertTrue(new Adam(0.9, 0.999, 1e-8, Double.MIN_VALUE).decoupledWeightDecay());
    assertFalse(new Sgd(0.9, false).decoupledWeightDecay());
  }
}
