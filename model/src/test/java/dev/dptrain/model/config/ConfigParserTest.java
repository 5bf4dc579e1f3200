package dev.dptrain.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.Sgd;
import dev.dptrain.model.train.TrainSpec;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
  private static final String MLP = """
      input = [1, 28, 28]
      layers = [
        { type = dense, units = 256, init = he_normal }
        { type = batchnorm, momentum = 0.2 }
        { type = relu }
        { type = dropout, rate = 0.25 }
        { type = dense, units = 10 }
      ]
      """;

  private static NetworkSpec net(String hocon) {
    return NetworkConfigParser.parse(Conf.parseString(hocon, "test.conf"));
  }

  private static String error(Runnable r) {
    return assertThrows(Conf.ConfigError.class, r::run).getMessage();
  }

  @Test
  void parsesAnMlpEqualToTheBuilderOne() {
    NetworkSpec spec = net(MLP);
    assertEquals(Shape.image(1, 28, 28), spec.input());
    assertEquals(5, spec.layers().size());
    assertEquals(new LayerSpec.BatchNormSpec(1e-5, 0.2), spec.layers().get(1));
    assertEquals(new LayerSpec.DropoutSpec(0.25), spec.layers().get(3));
    assertEquals(784 * 256 + 256 + 512 + 2570, Network.build(spec).paramCount());
  }

  @Test
  void unknownKeyIsNamedWithItsPath() {
    String m = error(() -> net(MLP.replace("units = 10", "units = 10, unitz = 3")));
    assertTrue(m.contains("layers[4].unitz") && m.contains("unknown key"), m);
    String top = error(() -> net(MLP + "\nlos = mse\n"));
    assertTrue(top.contains("los") && top.contains("test.conf"), top);
  }

  @Test
  void badValuesNameKeyAndExpectation() {
    String m = error(() -> net(MLP.replace("units = 256", "units = -3")));
    assertTrue(m.contains("layers[0].units") && m.contains("expected an integer >= 1") && m.contains("-3"), m);
    String r = error(() -> net(MLP.replace("rate = 0.25", "rate = 1.5")));
    assertTrue(r.contains("layers[3].rate"), r);
    String t = error(() -> net(MLP.replace("type = relu", "type = relu6")));
    assertTrue(t.contains("layers[2].type") && t.contains("relu6"), t);
    String i = error(() -> net(MLP.replace("init = he_normal", "init = zeros")));
    assertTrue(i.contains("layers[0].init") && i.contains("symmetry"), i);
  }

  @Test
  void impossibleShapeNamesTheLayer() {
    String m = error(() -> net("input = [0, 28, 28]\nlayers = [{ type = relu }]"));
    assertTrue(m.contains("input"), m);
    String missing = error(() -> net("layers = [{ type = relu }]"));
    assertTrue(missing.contains("input") && missing.contains("missing"), missing);
  }

  @Test
  void trainBlockWithOptimisersAndSchedules() {
    TrainSpec t = TrainConfigParser.parse(Conf.parseString("""
        epochs = 3, batch-size = 512, weight-decay = 5e-4, clip-norm = 5
        optimizer { type = nesterov, lr = 0.1 }
        schedule { type = cosine, warmup-steps = 10 }
        """, "t.conf"));
    assertEquals(new Sgd(0.9, true), t.optimizer());
    assertEquals(512, t.batchSize());
    assertEquals(0.01, t.schedule().lr(0), 1e-12);
    assertEquals(0.1, t.schedule().forRun(100).lr(10), 1e-12);
    TrainSpec a = TrainConfigParser.parse(Conf.parseString("optimizer { type = adamw }\nweight-decay = 0.01", "t.conf"));
    assertEquals(new Adam(0.9, 0.999, 1e-8, 0.01), a.optimizer());
    String m = error(() -> TrainConfigParser.parse(Conf.parseString("batch-size = 0", "t.conf")));
    assertTrue(m.contains("batch-size") && m.contains("[1, ") && m.contains("got 0"), m);
    String o = error(() -> TrainConfigParser.parse(Conf.parseString("optimizer { type = lbfgs }", "t.conf")));
    assertTrue(o.contains("optimizer.type") && o.contains("adamw"), o);
  }
  @Test
  void sgdDefaultsToNoMomentumAndItsAliasesTo0_9() {
    assertEquals(new Sgd(0, false), TrainConfigParser.parse(Conf.parseString("optimizer { type = sgd }", "t.conf")).optimizer());
    assertEquals(new Sgd(0, false), TrainConfigParser.parse(Conf.parseString("", "t.conf")).optimizer(), "default optimiser");
    assertEquals(new Sgd(0.9, false), TrainConfigParser.parse(Conf.parseString("optimizer { type = momentum }", "t.conf")).optimizer());
    assertEquals(new Sgd(0.5, false),
        TrainConfigParser.parse(Conf.parseString("optimizer { type = sgd, momentum = 0.5 }", "t.conf")).optimizer());
    TrainSpec d = TrainConfigParser.parse(Conf.parseString("", "t.conf"));
    assertEquals(0.01, d.schedule().lr(0), 0);
    assertEquals(10, d.epochs());
    assertEquals(128, d.batchSize());
    assertEquals(42, d.seed());
    String m = error(() -> TrainConfigParser.parse(Conf.parseString("optimizer { type = sgd, nesterov = true }", "t.conf")));
    assertTrue(m.contains("momentum") && m.contains("nesterov"), m);
  }

  @Test
  void unknownKeysInEveryTrainBlockAreRefused() {
    String[][] cases = {
        {"optimizer { type = sgd, momentm = 0.9 }", "momentm"},
        {"optimizer { type = adam, beta3 = 0.9 }", "beta3"},
        {"schedule { type = cosine, total-step = 100 }", "total-step"},
        {"schedule { type = step, step-size = 3, gama = 0.5 }", "gama"},
        {"epoch = 3", "epoch"},
        {"augment { flipp = true }", "flipp"},
        {"early-stopping { patiense = 3 }", "patiense"},
    };
    for (String[] c : cases) {
      String m = error(() -> TrainConfigParser.parse(Conf.parseString(c[0], "t.conf")));
      assertTrue(m.contains(c[1]) && m.contains("unknown key"), c[0] + ": " + m);
    }
  }
  @Test
  void rangesIncludeTheirEndsAndDefaultsDependOnTheOptimiser() {
    TrainSpec lo = TrainConfigParser.parse(Conf.parseString(
        "epochs = 1, batch-size = 1, weight-decay = 0, optimizer { type = sgd, momentum = 0 }", "t.conf"));
    assertEquals(1, lo.epochs());
    assertEquals(1, lo.batchSize());
    TrainSpec hi = TrainConfigParser.parse(Conf.parseString(
        "epochs = 1000000, weight-decay = 1, optimizer { type = sgd, momentum = 0.9999 }", "t.conf"));
    assertEquals(1000000, hi.epochs());
    assertEquals(1.0, hi.weightDecay());
    assertEquals(new Sgd(0.9999, false), hi.optimizer());
    String e = error(() -> TrainConfigParser.parse(Conf.parseString("\n\nepochs = 1000001", "t.conf")));
    assertTrue(e.contains("t.conf: 3") && e.contains(": epochs: expected") && e.contains("1000001"), e);
    String nested = error(() -> TrainConfigParser.parse(Conf.parseString("optimizer {\n type = sgd\n lr = 11 }", "t.conf")));
    assertTrue(nested.contains("t.conf: 3") && nested.contains(": optimizer.lr: expected"), nested);
    String list = error(() -> TrainConfigParser.parse(Conf.parseString("optimizer { type = [sgd] }", "t.conf")));
    assertTrue(list.contains("optimizer.type") && list.contains("a string"), list);
    String w = error(() -> TrainConfigParser.parse(Conf.parseString("weight-decay = 1.5", "t.conf")));
    assertTrue(w.contains("weight-decay"), w);
    // Adam's default learning rate is 1e-3, SGD's 0.01.
    assertEquals(1e-3, TrainConfigParser.parse(Conf.parseString("optimizer { type = adam }", "t.conf")).schedule().lr(0), 0);
    assertEquals(1e-3, TrainConfigParser.parse(Conf.parseString("optimizer { type = adamw }", "t.conf")).schedule().lr(0), 0);
    assertEquals(0.01, TrainConfigParser.parse(Conf.parseString("optimizer { type = nesterov }", "t.conf")).schedule().lr(0), 0);
  }

  @Test
  void augmentationOfAVectorInputNamesTheKey() {
    String flip = error(() -> TrainConfigParser.parse(Conf.parseString("augment { flip = true }", "t.conf"), Shape.vector(4)));
    assertTrue(flip.contains("flip") && !flip.contains("crop-padding"), flip);
    String crop = error(() -> TrainConfigParser.parse(Conf.parseString("augment { crop-padding = 1 }", "t.conf"), Shape.vector(4)));
    assertTrue(crop.contains("crop-padding"), crop);
    String big = error(() -> TrainConfigParser.parse(Conf.parseString("augment { crop-padding = 3 }", "t.conf"), Shape.image(1, 3, 5)));
    assertTrue(big.contains("crop-padding") && big.contains("below the input"), big);
    TrainSpec ok = TrainConfigParser.parse(Conf.parseString("augment { crop-padding = 2, flip = true }", "t.conf"), Shape.image(1, 3, 5));
    assertEquals(2, ok.augment().cropPadding());
  }
  @Test
  void builderAndParserCoverEveryLayerKind(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
    NetworkSpec built = NetworkSpec.builder(Shape.image(1, 8, 8)).conv2d(2, 3, 1, 1).maxPool(2).stochasticPool(2)
        .flatten().dense(3).softmax().build();
    java.nio.file.Path f = dir.resolve("net.conf");
    java.nio.file.Files.writeString(f, """
        input = [1, 8, 8]
        layers = [
          { type = conv2d, filters = 2, kernel = 3, padding = 1 }
          { type = maxpool, kernel = 2 }
          { type = stochastic_pool, kernel = 2 }
          { type = flatten }
          { type = dense, units = 3 }
          { type = softmax }
        ]
        """);
    NetworkSpec parsed = NetworkConfigParser.parse(Conf.parseFile(f.toFile()));
    assertEquals(built.layers().size(), parsed.layers().size());
    for (int i = 1; i < built.layers().size(); i++) assertEquals(built.layers().get(i), parsed.layers().get(i), "layer " + i);
    Network a = Network.build(built);
    Network b = Network.build(parsed);
    assertEquals(a.paramCount(), b.paramCount());
    assertEquals(a.summary(), b.summary());
    assertEquals(3, a.outputSize());
    String missing = error(() -> Conf.parseFile(dir.resolve("none.conf").toFile()));
    assertTrue(missing.contains("none.conf") && missing.contains("not found"), missing);
    String empty = error(() -> net("input = [4]\nlayers = [{ type = residual, layers = [] }]"));
    assertTrue(empty.contains("layers[0].layers") && empty.contains("at least one layer"), empty);
  }

  @Test
  void earlyStoppingBlock() {
    assertEquals(null, TrainConfigParser.parse(Conf.parseString("", "t.conf")).earlyStopping(), "off by default");
    assertEquals(new dev.dptrain.model.train.EarlyStopping(
            dev.dptrain.model.train.EarlyStopping.Metric.VALIDATION_LOSS, 3, 0),
        TrainConfigParser.parse(Conf.parseString("early-stopping {}", "t.conf")).earlyStopping(), "defaults");
    assertEquals(new dev.dptrain.model.train.EarlyStopping(
            dev.dptrain.model.train.EarlyStopping.Metric.VALIDATION_ACCURACY, 5, 0.001),
        TrainConfigParser.parse(Conf.parseString(
            "early-stopping { metric = validation-accuracy, patience = 5, min-delta = 0.001 }", "t.conf")).earlyStopping());
    String m = error(() -> TrainConfigParser.parse(Conf.parseString("early-stopping { metric = train-loss }", "t.conf")));
    assertTrue(m.contains("early-stopping.metric") && m.contains("validation-loss"), m);
    String p = error(() -> TrainConfigParser.parse(Conf.parseString("early-stopping { patience = 0 }", "t.conf")));
    assertTrue(p.contains("early-stopping.patience"), p);
  }
}
