package dev.dptrain.model.check;

import dev.dptrain.model.Network;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How the signal flows through each layer on one training-mode batch (note 003: watch the
 * activations and gradients; note 000: "dead" ReLUs at high learning rates): the RMS of the
 * layer's output and of the loss gradient reaching that output, and for ReLU layers the fraction of
 * units that are zero for every example of the batch (dead: no gradient passes them).
 *
 * @param layer index of the top-level layer
 * @param activationRms √(mean of the output²)
 * @param gradientRms √(mean of (d loss sum / d output)²), the per-example gradient (loss sums are per example)
 * @param deadFraction ReLU layers: units zero on the whole batch / units; NaN for other layers
 */
public record LayerHealth(int layer, String name, double activationRms, double gradientRms, double deadFraction)
    implements Serializable {
  /** Measures every top-level layer on the batch {@code d} with the given parameters and statistics. */
  public static List<LayerHealth> measure(Network network, float[] params, float[] state, Dataset d, long seed) {
    List<Layer> layers = network.layers();
    Pass pass = new Pass();
    pass.params = params;
    pass.grads = new float[params.length];
    pass.state = state.clone(); // training-mode BN may write its batch statistics; the run's stay untouched
    pass.training = true;
    pass.seed = seed;
    int n = d.size();
    float[][] outputs = new float[layers.size()][];
    float[] a = d.features();
    for (int i = 0; i < layers.size(); i++) {
      a = layers.get(i).forward(pass, a, n);
      outputs[i] = a.clone(); // layers reuse their buffers
    }
    int width = network.outputSize();
    float[] delta = new float[n * width];
    network.loss().lossAndDelta(outputs[layers.size() - 1], d.labels(), n, width, delta);
    double[] gradRms = new double[layers.size()];
    float[] g = delta;
    for (int i = layers.size() - 1; i >= 0; i--) {
      gradRms[i] = rms(g, n * layers.get(i).outputShape().size());
      g = i > 0 ? layers.get(i).backward(pass, g, n, true) : null;
    }
    List<LayerHealth> out = new ArrayList<>();
    for (int i = 0; i < layers.size(); i++) {
      Layer l = layers.get(i);
      int units = l.outputShape().size();
      double dead = Double.NaN;
      if (l instanceof Activation act && act.kind() == Activation.Kind.RELU) {
        int zero = 0;
        for (int u = 0; u < units; u++) {
          boolean allZero = true;
          for (int e = 0; e < n && allZero; e++) allZero = outputs[i][e * units + u] <= 0;
          if (allZero) zero++;
        }
        dead = (double) zero / units;
      }
      out.add(new LayerHealth(i, l.describe(), rms(outputs[i], n * units), gradRms[i], dead));
    }
    return out;
  }

  private static double rms(float[] v, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += (double) v[i] * v[i];
    return n == 0 ? 0 : Math.sqrt(s / n);
  }
}
