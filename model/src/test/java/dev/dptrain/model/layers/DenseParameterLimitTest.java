package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import org.junit.jupiter.api.Test;

/**
 * A dense layer's parameters (units x inputs weights, plus units biases) must fit one Java array:
 * exactly 2^31 - 1 is accepted, one more is refused, with and without the bias. Nothing is
 * allocated by the constructor, so the limit itself can be tried.
 */
class DenseParameterLimitTest {
  private static final int MAX = Integer.MAX_VALUE;

  @Test
  void exactlyTheLargestArrayIsAccepted() {
    assertEquals(MAX, new Dense(Shape.vector(MAX - 1), 1, true, Init.HE_NORMAL).paramCount());
    assertEquals(MAX, new Dense(Shape.vector(MAX), 1, false, Init.HE_NORMAL).paramCount());
  }

  @Test
  void oneMoreIsRefusedNamingTheSizes() {
    String msg = assertThrows(IllegalArgumentException.class,
        () -> new Dense(Shape.vector(MAX), 1, true, Init.HE_NORMAL)).getMessage();
    assertTrue(msg.contains("1 units x " + MAX + " inputs is more than " + MAX + " parameters"), msg);
    // 2 x (2^30) weights = 2^31 without a bias: the product alone overflows an int.
    assertThrows(IllegalArgumentException.class, () -> new Dense(Shape.vector(1 << 30), 2, false, Init.HE_NORMAL));
  }
}
