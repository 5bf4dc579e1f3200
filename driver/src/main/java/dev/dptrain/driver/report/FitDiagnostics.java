package dev.dptrain.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's training-craft section (note 003): the train/validation gap per epoch with a verdict
 * in plain words, and the per-layer signal health of every epoch (dead-ReLU fraction, activation
 * and gradient RMS) from the epoch records' {@code layers_health}.
 */
final class FitDiagnostics {
  private FitDiagnostics() {}

  /** Accuracy gap (train − validation) above which the verdict is overfitting. */
  static final double OVERFIT_GAP = 0.05;
  /** Accuracy gap below which the model fits the training data no better than unseen data. */
  static final double NO_GAP = 0.01;
  /** Validation loss this far (relative) above its minimum, with the training loss still falling: overfitting. */
  static final double LOSS_RISE = 0.05;

  /** One verdict about the last epoch's train/validation gap, with what to do. */
  static String verdict(RunMetrics m) {
    if (m.epochs.isEmpty()) return "No epoch finished yet.";
    JsonNode last = m.epochs.get(m.epochs.size() - 1);
    if (!last.path("validation_loss").isNumber()) {
      return "No validation data: set data.test to see the train/validation gap.";
    }
    double vl = last.path("validation_loss").asDouble();
    double tl = last.path("train_loss").asDouble();
    double minVl = vl;
    int minEpoch = last.path("epoch").asInt();
    for (JsonNode e : m.epochs) {
      if (e.path("validation_loss").isNumber() && e.path("validation_loss").asDouble() < minVl) {
        minVl = e.path("validation_loss").asDouble();
        minEpoch = e.path("epoch").asInt();
      }
    }
    boolean trainFalling = m.epochs.size() < 2 || tl <= m.epochs.get(m.epochs.size() - 2).path("train_loss").asDouble();
    boolean accuracy = last.path("train_accuracy").isNumber() && last.path("validation_accuracy").isNumber();
    double gap = accuracy ? last.path("train_accuracy").asDouble() - last.path("validation_accuracy").asDouble() : Double.NaN;
    String numbers = accuracy
        ? String.format(Locale.ROOT, "training accuracy %.2f%%, validation %.2f%% (gap %.2f points)",
            100 * last.path("train_accuracy").asDouble(), 100 * last.path("validation_accuracy").asDouble(), 100 * gap)
        : String.format(Locale.ROOT, "training loss %.4f, validation loss %.4f", tl, vl);
    if (trainFalling && vl > (1 + LOSS_RISE) * minVl) {
      return String.format(Locale.ROOT, "Overfitting: the validation loss (%.4f) has risen %.0f%% above its minimum"
          + " (%.4f, epoch %d) while the training loss keeps falling; %s. Use more regularisation (weight decay,"
          + " dropout, augmentation), more data, or train.early-stopping.", vl, 100 * (vl / minVl - 1), minVl, minEpoch, numbers);
    }
    if (accuracy && gap > OVERFIT_GAP) {
      return "Overfitting: " + numbers + String.format(Locale.ROOT, ", more than %.0f points. Use more regularisation"
          + " (weight decay, dropout, augmentation) or more data.", 100 * OVERFIT_GAP);
    }
    if (accuracy && gap < NO_GAP) {
      return "Underfitting: " + numbers + String.format(Locale.ROOT, ", less than %.0f point: the model does no better"
          + " on its training data than on unseen data, so it has capacity to spare. Train longer, raise the learning"
          + " rate, or use a larger model.", 100 * NO_GAP);
    }
    return "A healthy gap: " + numbers + ".";
  }

  /** Train − validation per epoch: accuracy points and loss difference. */
  static String gapChart(RunMetrics m) {
    double[] epoch = RunMetrics.column(m.epochs, "epoch");
    double[] acc = new double[epoch.length];
    double[] loss = new double[epoch.length];
    for (int i = 0; i < epoch.length; i++) {
      JsonNode e = m.epochs.get(i);
      acc[i] = 100 * (e.path("train_accuracy").asDouble(Double.NaN) - e.path("validation_accuracy").asDouble(Double.NaN));
      loss[i] = e.path("validation_loss").asDouble(Double.NaN) - e.path("train_loss").asDouble(Double.NaN);
      if (!e.path("validation_accuracy").isNumber()) acc[i] = Double.NaN;
      if (!e.path("validation_loss").isNumber()) loss[i] = Double.NaN;
    }
    return new SvgChart("chart-gap", "Train/validation gap per epoch", "epoch", false)
        .add("accuracy points (train − val)", epoch, acc, SvgChart.PALETTE[0], 1, true)
        .add("loss (val − train)", epoch, loss, SvgChart.PALETTE[1], 1, true).render();
  }

  /** Per-layer charts over epochs: dead-ReLU fraction (ReLU layers) and activation/gradient RMS. */
  static List<String> healthCharts(RunMetrics m) {
    List<JsonNode> with = m.epochs.stream().filter(e -> e.path("layers_health").isArray()).toList();
    List<String> charts = new ArrayList<>();
    if (with.isEmpty()) return charts;
    double[] epoch = RunMetrics.column(with, "epoch");
    JsonNode layers = with.get(with.size() - 1).path("layers_health");
    SvgChart dead = new SvgChart("chart-dead-relu", "Dead ReLU units (zero on the whole probe batch)", "epoch", false);
    SvgChart act = new SvgChart("chart-activation-rms", "Activation RMS per layer", "epoch", true);
    SvgChart grad = new SvgChart("chart-gradient-rms", "Gradient RMS per layer (d loss / d output)", "epoch", true);
    int colour = 0;
    for (int k = 0; k < layers.size(); k++) {
      String name = k + " " + layers.get(k).path("name").asText().replaceFirst("\\(.*", "");
      String c = SvgChart.PALETTE[colour++ % SvgChart.PALETTE.length];
      if (layers.get(k).path("dead_fraction").isNumber()) dead.add(name, epoch, field(with, k, "dead_fraction"), c, 1, true);
      act.add(name, epoch, field(with, k, "activation_rms"), c, 1, true);
      grad.add(name, epoch, field(with, k, "gradient_rms"), c, 1, true);
    }
    charts.add(dead.render());
    charts.add(act.render());
    charts.add(grad.render());
    return charts;
  }

  private static double[] field(List<JsonNode> epochs, int layer, String key) {
    double[] v = new double[epochs.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode n = epochs.get(i).path("layers_health").path(layer).path(key);
      v[i] = n.isNumber() ? n.asDouble() : Double.NaN;
    }
    return v;
  }
}
