package dev.dptrain.model.io;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.layers.Layer;
import java.util.List;

/**
 * Starting a run from a saved model's parameters and running BN statistics (warm start). The
 * saved network must be the one being trained, layer for layer: the flat parameter vector only
 * means something in the layout it was trained in. Weight initialisation schemes may differ (they
 * are replaced by the saved values); the loss may not.
 */
public final class WarmStart {
  private WarmStart() {}

  /** The saved model's parameters fit {@code target}; otherwise an error naming the first difference. */
  public static void check(NetworkSpec target, SavedModel init, String source) {
    Network want = Network.build(target);
    Network have = Network.build(init.spec());
    String why = difference(want, have);
    if (why != null) {
      throw new IllegalArgumentException("cannot start from " + source + ": " + why
          + "; a warm start needs the same architecture");
    }
  }

  /** The first way the two networks' parameter layouts differ, or null when they are the same. */
  static String difference(Network want, Network have) {
    if (!want.spec().input().equals(have.spec().input())) {
      return "input " + want.spec().input() + " here, " + have.spec().input() + " in the saved model";
    }
    List<Layer> a = want.layers();
    List<Layer> b = have.layers();
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      Layer x = a.get(i);
      Layer y = b.get(i);
      boolean same = withoutInit(x.describe()).equals(withoutInit(y.describe())) && x.paramCount() == y.paramCount()
          && x.stateCount() == y.stateCount() && x.outputShape().equals(y.outputShape());
      if (!same) return "layer " + i + " is " + x.describe() + " here, " + y.describe() + " in the saved model";
    }
    if (a.size() != b.size()) {
      return a.size() + " layers here, " + b.size() + " in the saved model (layer " + Math.min(a.size(), b.size())
          + " is " + (a.size() > b.size() ? a.get(b.size()).describe() + " here" : b.get(a.size()).describe()
          + " in the saved model") + ")";
    }
    if (!want.spec().loss().equals(have.spec().loss())) {
      return "loss " + want.spec().loss() + " here, " + have.spec().loss() + " in the saved model";
    }
    return null;
  }

  /** A layer description without its init scheme ("dense(256, he_normal)" → "dense(256)"). */
  static String withoutInit(String describe) {
    return describe.replaceAll(",\\s*(xavier_uniform|xavier_normal|he_normal|he_uniform|gaussian\\([^)]*\\)"
        + "|constant\\([^)]*\\))", "");
  }
}
