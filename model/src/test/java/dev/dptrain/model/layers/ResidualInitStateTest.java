package dev.dptrain.model.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.init.Init;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch-norm layers inside residual blocks start with running mean 0 and running variance 1. */
class ResidualInitStateTest {
  private static void collect(List<Layer> layers, List<BatchNorm> out) {
    for (Layer l : layers) {
      if (l instanceof BatchNorm bn) out.add(bn);
      if (l instanceof ResidualBlock rb) collect(rb.children(), out);
    }
  }

  @Test
  void childrenOfAResidualBlockGetTheirInitialState() {
    // Channels 2 -> 3: a main branch with two BNs and a 1x1 projection with its own BN.
    NetworkSpec spec = NetworkSpec.builder(Shape.image(2, 4, 4))
        .residual(new LayerSpec.Conv2DSpec(3, 3, 3, 1, 1, false, Init.HE_NORMAL),
            new LayerSpec.BatchNormSpec(NetworkSpec.BN_EPS, 0.1),
            new LayerSpec.ActivationSpec(Activation.Kind.RELU, 0),
            new LayerSpec.Conv2DSpec(3, 3, 3, 1, 1, false, Init.HE_NORMAL),
            new LayerSpec.BatchNormSpec(NetworkSpec.BN_EPS, 0.1))
        .flatten().dense(2).loss("softmax_cross_entropy").build();
    Network net = Network.build(spec);
    List<BatchNorm> bns = new ArrayList<>();
    collect(net.layers(), bns);
    assertEquals(3, bns.size(), "two in the main branch, one in the projection");
    float[] state = net.initState();
    assertEquals(18, state.length);
    int ones = 0;
    for (float v : state) {
      assertTrue(v == 0f || v == 1f, "state value " + v);
      if (v == 1f) ones++;
    }
    assertEquals(9, ones, "running variance 1 for each of the 9 channels");
    // Inference of a fresh network is then (x - 0)/√(1 + ε): finite and not blown up by 1/√ε.
    float[] x = new float[32];
    for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
    float[] y = net.predictRaw(net.initParams(1), state, x, 1);
    for (int i = 0; i < 2; i++) assertTrue(Float.isFinite(y[i]) && Math.abs(y[i]) < 1e3, "output " + y[i]);
  }
  @Test
  void aResidualBlockCanBeTheFirstLayer() {
    // The network asks its first layer for no input gradient; the block's inner layers after the
    // first still need theirs.
    NetworkSpec spec = NetworkSpec.builder(Shape.vector(4))
        .residual(new LayerSpec.DenseSpec(4, true, Init.HE_NORMAL), new LayerSpec.ActivationSpec(Activation.Kind.TANH, 0),
            new LayerSpec.DenseSpec(4, true, Init.HE_NORMAL))
        .dense(2).loss("softmax_cross_entropy").build();
    Network net = Network.build(spec);
    dev.dptrain.model.GradientSum acc = new dev.dptrain.model.GradientSum();
    net.accumulateGradient(net.initParams(3), net.initState(), new float[] {1, -2, 0.5f, 3, 0, 1, -1, 2},
        new float[] {1, 0}, 2, 0, acc);
    double first = 0;
    for (int i = 0; i < 20; i++) first += Math.abs(acc.grad[i]);
    assertTrue(first > 0, "the first inner dense layer gets a gradient");
  }
}
