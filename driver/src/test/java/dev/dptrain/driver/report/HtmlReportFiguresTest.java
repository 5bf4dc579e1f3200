package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The figures report.html shows: each chart plots the recorded values, the cards the last epoch's and the run's. */
class HtmlReportFiguresTest {
  private static final String START = "{\"type\":\"start\",\"step\":0,\"epoch\":0,\"epochs\":4,\"layers\":[]}\n";

  /** A value as metrics.jsonl holds it (the synthetic file writes it with this format). */
  private static double written(String format, double v) {
    return Double.parseDouble(String.format(Locale.ROOT, format, v));
  }

  /** The report's cards: name to value, in order. */
  static Map<String, String> cards(String html) {
    Map<String, String> cards = new LinkedHashMap<>();
    Matcher m = Pattern.compile("<div class=\"card\"><div class=\"value\">([^<]*)</div><div class=\"name\">([^<]*)</div></div>")
        .matcher(html);
    while (m.find()) cards.put(m.group(2), m.group(1));
    return cards;
  }

  @Test
  void everyChartPlotsTheRecordedValuesOfTheRunThatFinished() {
    String html = HtmlReport.render(RunMetrics.parse(SyntheticMetrics.text(), "metrics.jsonl"));
    double[] step = new double[300];
    double[] loss = new double[300];
    double[] lr = new double[300];
    double[] grad = new double[300];
    double[] rate = new double[300];
    for (int s = 1; s <= 300; s++) {
      step[s - 1] = s;
      loss[s - 1] = written("%.5f", SyntheticMetrics.loss(s));
      lr[s - 1] = written("%.5f", 0.1 * Math.cos(Math.PI * s / 600));
      grad[s - 1] = written("%.4f", 1 + 1.0 / s);
      rate[s - 1] = written("%.1f", 3000 + 100 * Math.sin(s / 7.0));
    }
    ChartReader stepLoss = ChartReader.of(html, "chart-step-loss");
    stepLoss.assertAxesSound(false, false);
    stepLoss.assertPlots("batch", step, loss, false, false);
    stepLoss.assertPlots("smoothed", step, HtmlReport.smooth(loss), false, false);
    assertEquals(1, stepLoss.series("batch").runs());
    ChartReader lrChart = ChartReader.of(html, "chart-lr");
    lrChart.assertAxesSound(false, false);
    lrChart.assertPlots("lr", step, lr, false, false);
    ChartReader gradChart = ChartReader.of(html, "chart-grad-norm");
    gradChart.assertAxesSound(false, false);
    gradChart.assertPlots("‖g‖", step, grad, false, false);
    ChartReader throughput = ChartReader.of(html, "chart-throughput");
    throughput.assertAxesSound(false, false);
    throughput.assertPlots("per step", step, rate, false, false);
    throughput.assertPlots("smoothed", step, HtmlReport.smooth(rate), false, false);

    // update ratios: every 10th step, one line per layer on a log axis, legend "index name"
    double[] every10 = new double[30];
    double[] first = new double[30];
    double[] second = new double[30];
    for (int i = 0; i < 30; i++) {
      every10[i] = 10 * (i + 1);
      first[i] = written("%g", 1e-2 * Math.exp(-every10[i] / 100.0));
      second[i] = 2e-3;
    }
    ChartReader ratio = ChartReader.of(html, "chart-update-ratio");
    ratio.assertAxesSound(false, true);
    ratio.assertPlots("0 dense", every10, first, false, true);
    ratio.assertPlots("2 dense", every10, second, false, true);
    assertEquals(1, ratio.series("0 dense").runs(), "a continuous line through the steps that have ratios");

    double[] epoch = {1, 2, 3};
    ChartReader epochLoss = ChartReader.of(html, "chart-epoch-loss");
    epochLoss.assertAxesSound(false, false);
    epochLoss.assertPlots("train", epoch, new double[] {1, 0.5, 0.3333}, false, false);
    epochLoss.assertPlots("validation", epoch, new double[] {1.1, 0.55, 0.3667}, false, false);
    ChartReader accuracy = ChartReader.of(html, "chart-epoch-accuracy");
    accuracy.assertPlots("train", epoch, new double[] {0.75, 0.8, 0.85}, false, false);
    accuracy.assertPlots("validation", epoch, new double[] {0.73, 0.78, 0.83}, false, false);
    ChartReader gap = ChartReader.of(html, "chart-gap");
    gap.assertAxesSound(false, false);
    gap.assertPlots("accuracy points (train − val)", epoch, new double[] {2, 2, 2}, false, false);
    gap.assertPlots("loss (val − train)", epoch, new double[] {0.1, 0.05, 0.0334}, false, false);
    assertFalse(html.contains("id=\"chart-epoch-rmse\""), "a classifier has no RMSE chart");
  }

  @Test
  void cardsShowTheLastEpochsFiguresTheStepsTheTimeAndTheMedianRate() {
    Map<String, String> c = cards(HtmlReport.render(RunMetrics.parse(SyntheticMetrics.text(), "metrics.jsonl")));
    assertEquals("83.00%", c.get("validation accuracy"));
    assertEquals("0.3667", c.get("validation loss"));
    assertEquals("85.00%", c.get("train accuracy"));
    assertEquals("0.3333", c.get("train loss"));
    assertEquals("3 / 3", c.get("epochs"));
    assertEquals("300", c.get("steps"));
    assertEquals("8 s", c.get("time"), "the later of the last epoch (7.5 s) and the last step (6 s)");

    // median of the finite rates: 5 values, one missing
    StringBuilder t = new StringBuilder(START);
    double[] rates = {900, 1200, Double.NaN, 1100, 5000, 1000};
    for (int i = 0; i < rates.length; i++) {
      t.append(String.format(Locale.ROOT, "{\"type\":\"step\",\"step\":%d,\"samples_per_s\":%s,\"time_s\":%d}%n", 1001 + i,
          Double.isNaN(rates[i]) ? "null" : Double.toString(rates[i]), 61 + i));
    }
    Map<String, String> run = cards(HtmlReport.render(RunMetrics.parse(t.toString(), "m")));
    assertEquals("1,100", run.get("median samples/s"));
    assertEquals("1,006", run.get("steps"), "the last step's number");
    assertEquals("1m 06s", run.get("time"));
    assertEquals("0 / 4", run.get("epochs"));
    assertFalse(run.containsKey("validation accuracy") || run.containsKey("validation RMSE"), "no epoch: no epoch figures");
  }

  private static String timeCard(double seconds) {
    return cards(HtmlReport.render(RunMetrics.parse(START
        + "{\"type\":\"step\",\"step\":1,\"samples_per_s\":10,\"time_s\":" + seconds + "}\n", "m"))).get("time");
  }

  @Test
  void theRunTimeIsInSecondsMinutesOrHours() {
    assertEquals("59 s", timeCard(59.4));
    assertEquals("1m 00s", timeCard(59.5));
    assertEquals("59m 59s", timeCard(3599.4));
    assertEquals("1h 00m", timeCard(3600));
    assertEquals("2h 02m", timeCard(7322));
  }

  @Test
  void aRunWithoutStepsOrEpochsSaysSo() {
    String html = HtmlReport.render(RunMetrics.parse(START, "m"));
    Map<String, String> c = cards(html);
    assertEquals("0", c.get("steps"));
    assertEquals("–", c.get("median samples/s"));
    assertEquals("0 s", c.get("time"));
    assertTrue(html.contains("No epoch finished yet."), "the verdict");
    assertTrue(ChartReader.of(html, "chart-epoch-loss").empty);
    // steps whose rate could not be measured (a zero wall time is written as null): a dash, not "NaN"
    assertEquals("–", cards(HtmlReport.render(RunMetrics.parse(START
        + "{\"type\":\"step\",\"step\":1,\"samples_per_s\":null,\"time_s\":1}\n", "m"))).get("median samples/s"));
  }

  /** report.html is written next to the metrics on the raw local file system: no .crc side file; main prints its path. */
  @Test
  void writesTheReportWithoutAChecksumFileAndMainPrintsWhereItIs(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Files.writeString(dir.resolve("metrics.jsonl"), SyntheticMetrics.text());
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      HtmlReport.main(new String[] {dir.toString()});
    } finally {
      System.setOut(stdout);
    }
    assertEquals(dir.resolve("report.html").toUri().getPath(), java.net.URI.create(printed.toString(java.nio.charset.StandardCharsets.UTF_8).trim()).getPath());
    try (var files = java.nio.file.Files.list(dir)) {
      assertEquals(java.util.List.of("metrics.jsonl", "report.html"), files.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aClassifierWithoutValidationDataShowsDashesForItsValidationFigures() {
    Map<String, String> c = cards(HtmlReport.render(RunMetrics.parse(START + "{\"type\":\"epoch\",\"epoch\":1,\"step\":10,"
        + "\"train_loss\":0.5,\"validation_loss\":null,\"train_accuracy\":0.875,\"validation_accuracy\":null,\"time_s\":3}\n", "m")));
    assertEquals("–", c.get("validation accuracy"));
    assertEquals("–", c.get("validation loss"));
    assertEquals("87.50%", c.get("train accuracy"));
    assertEquals("0.5000", c.get("train loss"));
    assertEquals("1 / 4", c.get("epochs"));
  }

  @Test
  void aRegressionRunShowsRmseMaeAndR2InsteadOfAccuracy() {
    StringBuilder t = new StringBuilder(START);
    for (int e = 1; e <= 2; e++) {
      t.append(String.format(Locale.ROOT, "{\"type\":\"epoch\",\"epoch\":%d,\"step\":%d,\"train_loss\":%s,\"validation_loss\":%s,"
          + "\"validation_mse\":%s,\"validation_rmse\":%s,\"validation_mae\":%s,\"validation_r2\":%s,\"time_s\":%d}%n",
          e, 10 * e, 0.5 / e, 0.6 / e, 1.2 / e, Math.sqrt(1.2 / e), 0.9 / e, 0.5 + 0.2 * e, 3 * e));
    }
    String html = HtmlReport.render(RunMetrics.parse(t.toString(), "m"));
    Map<String, String> c = cards(html);
    assertEquals("0.7746", c.get("validation RMSE"));
    assertEquals("0.4500", c.get("validation MAE"));
    assertEquals("0.9000", c.get("validation R²"));
    assertEquals("0.2500", c.get("train loss (½ squared error)"));
    assertFalse(c.containsKey("validation accuracy"));
    assertFalse(html.contains("id=\"chart-epoch-accuracy\""), "no accuracy chart for regression");
    ChartReader rmse = ChartReader.of(html, "chart-epoch-rmse");
    rmse.assertAxesSound(false, false);
    rmse.assertPlots("validation", new double[] {1, 2}, new double[] {Math.sqrt(1.2), Math.sqrt(0.6)}, false, false);
    assertEquals("Validation RMSE per epoch (target units)", rmse.title);
  }

  @Test
  void smoothingIsABiasCorrectedAverageThatSkipsMissingValues() {
    double[] s = HtmlReport.smooth(new double[] {Double.NaN, 2, Double.NaN, 4});
    assertTrue(Double.isNaN(s[0]), "nothing to average yet");
    assertEquals(2, s[1], 1e-12, "the first value itself, not pulled towards 0");
    assertEquals(2, s[2], 1e-12, "a missing value keeps the average");
    assertEquals((0.95 * 0.05 * 2 + 0.05 * 4) / (0.95 * 0.05 + 0.05), s[3], 1e-12);
    assertArrayEquals(new double[0], HtmlReport.smooth(new double[0]));
  }
}
