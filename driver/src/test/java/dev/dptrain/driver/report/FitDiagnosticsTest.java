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
  }
}
