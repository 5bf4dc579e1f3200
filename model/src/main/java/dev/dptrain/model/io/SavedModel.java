package dev.dptrain.model.io;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Standardizer;
import java.util.Map;

/**
 * A trained model as stored on disk (format: docs/model-format.md): the network config text
 * (HOCON/JSON of the {@code model} block, from which the spec is rebuilt), the flat parameters,
 * the normalisation layers' running statistics, the input standardisation fitted on the
 * training data, the class count (0 when the output is not a class), how it was trained and how
 * its data was read ({@link DataRecipe}).
 */
public record SavedModel(String networkConfig, float[] params, float[] state, Standardizer standardizer,
                         int classes, Provenance provenance, DataRecipe recipe) {
  public SavedModel {
    if (recipe == null) recipe = DataRecipe.UNKNOWN;
  }

  /** A model with no data recipe recorded (as format versions 1 and 2 stored it). */
  public SavedModel(String networkConfig, float[] params, float[] state, Standardizer standardizer, int classes,
                    Provenance provenance) {
    this(networkConfig, params, state, standardizer, classes, provenance, DataRecipe.UNKNOWN);
  }

  /**
   * Where the model came from; {@code metrics} are final values such as "test.accuracy".
   *
   * @param run the run config, environment, data and time; null for a model saved in format
   *            version 1, which did not record them
   */
  public record Provenance(String dptrainVersion, long seed, int epochs, long steps, Map<String, Double> metrics,
                           RunProvenance run) {
    /** Without the run details, as format version 1 stored it. */
    public Provenance(String dptrainVersion, long seed, int epochs, long steps, Map<String, Double> metrics) {
      this(dptrainVersion, seed, epochs, steps, metrics, null);
    }
  }

  /** Rebuilds the network spec from the stored config text. */
  public NetworkSpec spec() {
    return NetworkConfigParser.parse(Conf.parseString(networkConfig, "stored model config").object("model"));
  }

  /**
   * Number of classes the model predicts: the output width for softmax cross-entropy, 2 for a
   * single sigmoid output, 0 otherwise (regression).
   */
  public static int classesOf(Network net) {
    return switch (net.spec().loss()) {
      case "softmax_cross_entropy" -> net.outputSize();
      case "sigmoid_binary_cross_entropy" -> net.outputSize() == 1 ? 2 : 0;
      default -> 0;
    };
  }
}
