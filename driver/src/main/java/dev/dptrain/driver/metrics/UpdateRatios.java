package dev.dptrain.driver.metrics;

import dev.dptrain.model.Network;
import dev.dptrain.model.layers.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * Per parameterised layer, the relative size of one update, ‖w_after − w_before‖ / ‖w_before‖
 * over the layer's slice of the flat parameter vector. Around 1e-3 is healthy for SGD; much
 * smaller means the layer barely learns, much larger that it is unstable.
 */
public final class UpdateRatios {
  private final List<Layer> layers = new ArrayList<>();
  private final List<Integer> indices = new ArrayList<>();
  private final List<Integer> offsets = new ArrayList<>();

  /** Layers bind their slices in order, so a layer's offset is the sum of the counts before it. */
  public UpdateRatios(Network network) {
    int offset = 0;
    int i = 0;
    for (Layer l : network.layers()) {
      if (l.paramCount() > 0) {
        layers.add(l);
        indices.add(i);
        offsets.add(offset);
      }
      offset += l.paramCount();
      i++;
    }
  }

  /** The parameterised layers, as "index:description", in the order of {@link #compute}'s result. */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < layers.size(); k++) names.add(indices.get(k) + ":" + layers.get(k).describe());
    return names;
  }

  public List<Integer> paramCounts() {
    return layers.stream().map(Layer::paramCount).toList();
  }

  /** One ratio per parameterised layer; NaN for a layer whose weights were all zero. */
  public double[] compute(float[] before, float[] after) {
    double[] ratios = new double[layers.size()];
    for (int k = 0; k < ratios.length; k++) {
      int from = offsets.get(k);
      int to = from + layers.get(k).paramCount();
      double dw = 0;
      double w = 0;
      for (int j = from; j < to; j++) {
        double d = (double) after[j] - before[j];
        dw += d * d;
        w += (double) before[j] * before[j];
      }
      ratios[k] = w == 0 ? Double.NaN : Math.sqrt(dw / w);
    }
    return ratios;
  }
}
