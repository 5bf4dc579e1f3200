package dev.dptrain.model.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;

/** Which saved networks a warm start accepts, and how a refusal names the difference. */
class WarmStartTest {
  private static Network net(String body) {
    return Network.build(NetworkConfigParser.parse(Conf.parseString("model { " + body + " }", "test").object("model")));
  }

  private static final String MLP = "input = [4], loss = softmax_cross_entropy, layers = ["
      + "{ type = dense, units = 8, init = he_normal }, { type = batchnorm }, { type = relu }, { type = dense, units = 3 } ]";

  @org.junit.jupiter.api.Test
  void sameLayoutIsAcceptedWhateverTheInitScheme() {
    assertNull(WarmStart.difference(net(MLP), net(MLP.replace("he_normal", "xavier_uniform"))));
    assertNull(WarmStart.difference(net(MLP), net(MLP.replace("init = he_normal", "init = gaussian, init-sigma = 0.1"))));
  }

  @org.junit.jupiter.api.Test
  void aDifferentLayerIsNamed() {
    assertEquals("layer 0 is dense(16, he_normal) here, dense(8, he_normal) in the saved model",
        WarmStart.difference(net(MLP.replace("units = 8", "units = 16")), net(MLP)));
    assertEquals("layer 1 is relu here, batchnorm1d(8) in the saved model",
        WarmStart.difference(net(MLP.replace("{ type = batchnorm }, ", "{ type = relu }, ")), net(MLP)));
    assertEquals("input [5] here, [4] in the saved model",
        WarmStart.difference(net(MLP.replace("[4]", "[5]")), net(MLP)).replace("vector ", ""));
    assertEquals("loss sigmoid_binary_cross_entropy here, softmax_cross_entropy in the saved model",
        WarmStart.difference(net(MLP.replace("softmax_cross_entropy", "sigmoid_binary_cross_entropy")), net(MLP)));
  }

  @org.junit.jupiter.api.Test
  void extraLayersAreNamed() {
    String longer = MLP.replace("{ type = dense, units = 3 } ]", "{ type = dense, units = 3 }, { type = relu } ]");
    assertEquals("5 layers here, 4 in the saved model (layer 4 is relu here)", WarmStart.difference(net(longer), net(MLP)));
  }
}
