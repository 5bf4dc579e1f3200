package dev.dptrain.model.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerHealthTest {
  /**
   * dense(2 -> 4) + ReLU with hand-set parameters (W is units x in, row-major, then b): unit 0 and 1
   * constant 1 and 2, unit 2 never active (bias -10), unit 3 = relu(x0 - 0.5), active on the first
   * example only. One dead unit of four.
   */
  @Test
  void deadFractionAndScalesByHand() {
    Network net = Network.build(NetworkSpec.builder(Shape.vector(2)).dense(4).relu().dense(2)
        .loss("softmax_cross_entropy").build());
    float[] p = new float[net.paramCount()];
    p[3 * 2] = 1f; // W[3][0]
    p[8] = 1f;
    p[9] = 2f;
    p[10] = -10f;
    p[11] = -0.5f;
    Dataset d = new Dataset(Shape.vector(2), 1, new float[] {1, 0, 0, 1}, new float[] {0, 1});
    float[] state = net.initState();
    float[] before = p.clone();
    List<LayerHealth> h = LayerHealth.measure(net, p, state, d, 1);
    assertEquals(3, h.size());
    assertEquals(0.25, h.get(1).deadFraction(), 0.0, "unit 2 is zero on both examples; unit 3 lives on one");
    // ReLU outputs (1, 2, 0, 0.5) and (1, 2, 0, 0): mean square (1+4+0.25+1+4)/8
    assertEquals(Math.sqrt(10.25 / 8), h.get(1).activationRms(), 1e-6);
    assertTrue(Double.isNaN(h.get(0).deadFraction()), "not a ReLU layer");
    // Last dense has all-zero parameters: logits 0, softmax 1/2 each, dL/dz = p - t = ±1/2 everywhere.
    assertEquals(0.5, h.get(2).gradientRms(), 1e-7);
    assertEquals(0, h.get(1).gradientRms(), 0.0, "zero weights pass no gradient back");
    assertArrayEquals(before, p, "parameters untouched");
  }
}
