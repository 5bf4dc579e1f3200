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
  @Test
  void blockBackwardEqualsItsLayersComposedByHand() {
    // main: dense 3->4, dense 4->2; shortcut: dense 3->2. The block's gradients must be those of
    // the same layers run one by one, with and without an input gradient requested.
    for (boolean needInput : new boolean[] {false, true}) {
      Shape in = Shape.vector(3);
      Dense a = new Dense(in, 4, true, Init.HE_NORMAL);
      Dense b = new Dense(Shape.vector(4), 2, true, Init.HE_NORMAL);
      Dense s = new Dense(in, 2, true, Init.HE_NORMAL);
      ResidualBlock block = new ResidualBlock(in, List.of(a, b), List.of(s));
      block.bind(0, 0, 0);
      int np = block.paramCount();
      assertEquals(16 + 10 + 8, np);
      float[] params = new float[np];
      for (int i = 0; i < np; i++) params[i] = (float) Math.sin(1 + i);
      float[] x = {0.5f, -1, 2, 1, 0.25f, -0.5f};
      float[] dy = {1, -2, 0.5f, 3};
      Pass p = new Pass();
      p.params = params;
      p.grads = new float[np];
      p.training = true;
      block.forward(p, x, 2);
      float[] dx = block.backward(p, dy, 2, needInput);

      Dense a2 = new Dense(in, 4, true, Init.HE_NORMAL);
      Dense b2 = new Dense(Shape.vector(4), 2, true, Init.HE_NORMAL);
      Dense s2 = new Dense(in, 2, true, Init.HE_NORMAL);
      a2.bind(0, 0, 0);
      b2.bind(16, 0, 1);
      s2.bind(26, 0, 2);
      Pass q = new Pass();
      q.params = params;
      q.grads = new float[np];
      q.training = true;
      b2.forward(q, a2.forward(q, x, 2), 2);
      s2.forward(q, x, 2);
      float[] da = b2.backward(q, dy, 2, true);
      float[] dxMain = a2.backward(q, da, 2, true).clone();
      float[] dxSkip = s2.backward(q, dy, 2, true);
      org.junit.jupiter.api.Assertions.assertArrayEquals(q.grads, p.grads, "parameter gradients, input gradient " + needInput);
      if (needInput) {
        for (int i = 0; i < 6; i++) assertEquals(dxMain[i] + dxSkip[i], dx[i], "dx " + i);
      } else {
        org.junit.jupiter.api.Assertions.assertNull(dx);
      }
    }
  }
}
