package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FitDiagnosticsTest {
  private static final String START = "{\"type\":\"start\",\"step\":0,\"epoch\":0,\"layers\":[]}\n";

  private static RunMetrics epochs(double[][] rows) {
    StringBuilder sb = new StringBuilder(START);
    for (int i = 0; i < rows.length; i++) {
      sb.append(String.format(java.util.Locale.ROOT, "{\"type\":\"epoch\",\"epoch\":%d,\"train_loss\":%s,\"train_accuracy\":%s,"
          + "\"validation_loss\":%s,\"validation_accuracy\":%s}%n", i + 1, rows[i][0], rows[i][1], rows[i][2], rows[i][3]));
    }
    return RunMetrics.parse(sb.toString(), "m.jsonl");
  }

  @Test
  void verdictNamesOverfittingUnderfittingAndAHealthyGap() {
    String rising = FitDiagnostics.verdict(epochs(new double[][] {{0.6, 0.8, 0.50, 0.82}, {0.4, 0.86, 0.45, 0.84}, {0.2, 0.93, 0.55, 0.85}}));
    assertTrue(rising.startsWith("Overfitting: the validation loss (0.5500) has risen 22% above its minimum (0.4500, epoch 2)"), rising);
    String gap = FitDiagnostics.verdict(epochs(new double[][] {{0.2, 0.97, 0.3, 0.90}}));
    assertTrue(gap.startsWith("Overfitting: training accuracy 97.00%, validation 90.00% (gap 7.00 points)"), gap);
    String none = FitDiagnostics.verdict(epochs(new double[][] {{0.9, 0.70, 0.9, 0.705}}));
    assertTrue(none.startsWith("Underfitting:") && none.contains("capacity to spare"), none);
    String ok = FitDiagnostics.verdict(epochs(new double[][] {{0.3, 0.90, 0.33, 0.88}}));
    assertTrue(ok.startsWith("A healthy gap: training accuracy 90.00%, validation 88.00% (gap 2.00 points)"), ok);
    String noVal = FitDiagnostics.verdict(RunMetrics.parse(START
        + "{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":0.5,\"train_accuracy\":0.8,\"validation_loss\":null}\n", "m"));
    assertTrue(noVal.startsWith("No validation data"), noVal);
  }

  private static String verdict(double[][] rows) {
    return FitDiagnostics.verdict(epochs(rows));
  }

  /** The thresholds themselves: a gap of exactly 5 or 1 points, a rise of exactly 5%, are not beyond them. */
  @Test
  void verdictThresholdsAreExclusive() {
    // 0.1 - 0.05 and 0.02 - 0.01 are exactly 0.05 and 0.01 in double arithmetic
    assertTrue(verdict(new double[][] {{0.3, 0.1, 0.33, 0.05}}).startsWith("A healthy gap: training accuracy 10.00%, validation 5.00% (gap 5.00"));
    assertTrue(verdict(new double[][] {{0.3, 0.02, 0.33, 0.01}}).startsWith("A healthy gap:"));
    assertTrue(verdict(new double[][] {{0.6, 0.8, 0.5, 0.78}, {0.5, 0.8, 0.525, 0.78}}).startsWith("A healthy gap:"), "1.05 x the minimum");
  }

  @Test
  void aRisingValidationLossIsOverfittingOnlyWhileTheTrainingLossDoesNotRise() {
    // two epochs, both losses rising: not overfitting (the training loss is not falling)
    String both = verdict(new double[][] {{0.4, 0.8, 0.5, 0.78}, {0.45, 0.81, 0.6, 0.79}});
    assertTrue(both.startsWith("A healthy gap:"), both);
    // a flat training loss counts as not rising
    String flat = verdict(new double[][] {{0.4, 0.8, 0.5, 0.78}, {0.3, 0.8, 0.4, 0.78}, {0.3, 0.8, 0.5, 0.78}});
    assertTrue(flat.startsWith("Overfitting: the validation loss (0.5000) has risen 25% above its minimum (0.4000, epoch 2)"), flat);
    // the minimum is where it was first reached, the epoch early stopping keeps
    String tie = verdict(new double[][] {{0.6, 0.8, 0.4, 0.78}, {0.5, 0.8, 0.4, 0.78}, {0.3, 0.8, 0.5, 0.78}});
    assertTrue(tie.contains("above its minimum (0.4000, epoch 1)"), tie);
  }

  @Test
  void theGapChartPlotsTrainMinusValidationAndLeavesOutEpochsWithoutValidation() {
    RunMetrics m = RunMetrics.parse(START + "{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":0.5,\"train_accuracy\":0.9,"
        + "\"validation_loss\":0.75,\"validation_accuracy\":0.8}\n{\"type\":\"epoch\",\"epoch\":2,\"train_loss\":0.4,"
        + "\"train_accuracy\":0.95,\"validation_loss\":null,\"validation_accuracy\":null}\n", "m");
    ChartReader gap = ChartReader.of(FitDiagnostics.gapChart(m), "chart-gap");
    gap.assertAxesSound(false, false);
    gap.assertPlots("accuracy points (train − val)", new double[] {1, 2}, new double[] {10, Double.NaN}, false, false);
    gap.assertPlots("loss (val − train)", new double[] {1, 2}, new double[] {0.25, Double.NaN}, false, false);
  }

  @Test
  void healthChartsShowDeadReluOnlyForReluLayers() {
    String h = "\"layers_health\":[{\"index\":0,\"name\":\"dense(8)\",\"activation_rms\":1.5,\"gradient_rms\":0.01,\"dead_fraction\":null},"
        + "{\"index\":1,\"name\":\"relu\",\"activation_rms\":0.9,\"gradient_rms\":0.02,\"dead_fraction\":0.25}]";
    RunMetrics m = RunMetrics.parse(START + "{\"type\":\"epoch\",\"epoch\":1,\"train_loss\":0.5," + h + "}\n"
        + "{\"type\":\"epoch\",\"epoch\":2,\"train_loss\":0.4," + h.replace("0.25", "0.5") + "}\n", "m");
    List<String> charts = FitDiagnostics.healthCharts(m);
    String dead = charts.get(0);
    assertTrue(dead.contains("id=\"chart-dead-relu\"") && dead.contains("data-series=\"1 relu\" data-points=\"2\""), dead);
    assertTrue(!dead.contains("data-series=\"0 dense\""), "no dead fraction for a dense layer: " + dead);
    assertTrue(charts.get(1).contains("data-series=\"0 dense\" data-points=\"2\""), charts.get(1));
    assertTrue(FitDiagnostics.healthCharts(RunMetrics.parse(START, "m")).isEmpty());
    // an epoch without health figures (the last one here) is left out; the layers come from the last that has them
    List<String> later = FitDiagnostics.healthCharts(RunMetrics.parse(START + "{\"type\":\"epoch\",\"epoch\":1," + h + "}\n"
        + "{\"type\":\"epoch\",\"epoch\":2," + h.replace("0.25", "0.5") + "}\n{\"type\":\"epoch\",\"epoch\":3}\n", "m"));
    ChartReader deadChart = ChartReader.of(later.get(0), "chart-dead-relu");
    deadChart.assertPlots("1 relu", new double[] {1, 2}, new double[] {0.25, 0.5}, false, false);
    ChartReader act = ChartReader.of(later.get(1), "chart-activation-rms");
    act.assertAxesSound(false, true);
    act.assertPlots("0 dense", new double[] {1, 2}, new double[] {1.5, 1.5}, false, true);
    ChartReader grad = ChartReader.of(later.get(2), "chart-gradient-rms");
    grad.assertPlots("1 relu", new double[] {1, 2}, new double[] {0.02, 0.02}, false, true);
  }
}
