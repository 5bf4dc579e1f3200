package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  static final List<String> CHARTS = List.of("chart-epoch-loss", "chart-epoch-accuracy", "chart-step-loss", "chart-lr",
      "chart-grad-norm", "chart-update-ratio", "chart-throughput");

  /** The data-points of every series path in the chart's svg element. */
  static List<Integer> seriesPoints(String html, String chartId) {
    int at = html.indexOf("id=\"" + chartId + "\"");
    assertTrue(at >= 0, "no svg with id " + chartId);
    String svg = html.substring(at, html.indexOf("</svg>", at));
    List<Integer> points = new ArrayList<>();
    Matcher m = Pattern.compile("<path class=\"series\"[^>]*data-points=\"(\\d+)\" d=\"([^\"]*)\"").matcher(svg);
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      // the path really has that many vertices
      assertEquals(n, m.group(2).chars().filter(c -> c == 'M' || c == 'L').count(), chartId);
      points.add(n);
    }
    return points;
  }

  @Test
  void resumedRunKeepsTheRecordsOfTheRunThatFinished() {
    RunMetrics m = RunMetrics.parse(SyntheticMetrics.text(), "metrics.jsonl");
    assertEquals(300, m.steps.size(), "steps 201..250 of the crashed attempt are replaced, the torn line skipped");
    for (int i = 0; i < 300; i++) assertEquals(i + 1, m.steps.get(i).get("step").asInt());
    assertEquals(3, m.epochs.size());
    assertEquals(200, m.start.get("step").asInt());
  }

  @Test
  void reportHasEveryChartWithItsPointsAndTheEscapedConfigAndSummary() {
    String html = HtmlReport.render(RunMetrics.parse(SyntheticMetrics.text(), "metrics.jsonl"));
    assertEquals(List.of(3, 3), seriesPoints(html, "chart-epoch-loss"));
    assertEquals(List.of(3, 3), seriesPoints(html, "chart-epoch-accuracy"));
    assertEquals(List.of(300, 300), seriesPoints(html, "chart-step-loss"));
    assertEquals(List.of(300), seriesPoints(html, "chart-lr"));
    assertEquals(List.of(300), seriesPoints(html, "chart-grad-norm"));
    assertEquals(List.of(30, 30), seriesPoints(html, "chart-update-ratio"));
    assertEquals(List.of(300, 300), seriesPoints(html, "chart-throughput"));
    assertTrue(html.contains("train { epochs = 3 } # &lt;b&gt;not bold&lt;/b&gt;"), "config text, escaped");
    assertTrue(html.contains("0    dense(32)   [32]   100"), "model summary");
    assertTrue(html.contains("83.00%"), "final validation accuracy card");
    assertTrue(html.contains("0 dense") && html.contains("2 dense"), "a legend entry per layer");
    String withoutNamespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assertTrue(!withoutNamespace.contains("<script") && !withoutNamespace.contains("http"), "self-contained: nothing fetched");
  }

  @Test
  void longRunsAreAveragedDownAndTicksAreNice() {
    double[] x = new double[10_000];
    double[] y = new double[10_000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
      y[i] = i % 2;
    }
    double[][] down = SvgChart.averageDown(x, y, 1000);
    assertEquals(1000, down[0].length);
    assertEquals(0.5, down[1][0], 1e-12);
    assertEquals(4.5, down[0][0], 1e-12);
    assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2),
        java.util.Arrays.stream(SvgChart.linearTicks(0.03, 1.13, 0)).map(v -> Math.round(v * 10) / 10.0).boxed().toList());
    assertEquals(List.of(1.0, 2.0), java.util.Arrays.stream(SvgChart.linearTicks(1, 2, 1)).boxed().toList());
    assertEquals(List.of(1e-4, 1e-3, 1e-2), java.util.Arrays.stream(SvgChart.logTicks(3e-4, 0.008)).boxed().toList());
    assertEquals("1e-4", SvgChart.label(1e-4));
    assertEquals("3,000", SvgChart.label(3000));
    assertEquals("0.25", SvgChart.label(0.25));
  }

  @Test
  void badLinesNameTheFileAndLine() {
    String text = SyntheticMetrics.text().replaceFirst("\n", "\nnot json\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunMetrics.parse(text, "runs/x/metrics.jsonl"));
    assertTrue(e.getMessage().startsWith("runs/x/metrics.jsonl: line 2: expected a JSON object, got 'not json'"), e.getMessage());
  }

  @Test
  void writesReportHtmlNextToTheMetrics(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("metrics.jsonl"), SyntheticMetrics.text());
    String where = HtmlReport.write(dir.toString(), new Configuration());
    assertTrue(where.endsWith("report.html"), where);
    String html = Files.readString(dir.resolve("report.html"), StandardCharsets.UTF_8);
    for (String id : CHARTS) assertTrue(html.contains("id=\"" + id + "\""), id);
  }

  private static String check(String name, boolean passed, double value) {
    return dev.dptrain.driver.metrics.MetricsLog.checkRecord(new dev.dptrain.model.check.SanityChecks.Result(name, passed,
        value, "ln C = ln 10 = 2.3026 ± 0.450", "initial loss " + value, passed ? "neutral start" : "weights <too> large")) + "\n";
  }

  /** The checks of the last start are shown (a resume runs them again); a failed one is marked FAIL. */
  @Test
  void sanityChecksSectionShowsTheLastStartsChecksAndMarksFailures() {
    String text = SyntheticMetrics.text();
    int resumed = text.indexOf("{\"type\":\"start\"", 1);
    int afterResumedStart = text.indexOf('\n', resumed) + 1;
    int afterFirstStart = text.indexOf('\n') + 1;
    String withChecks = text.substring(0, afterFirstStart) + check("first-attempt", true, 1)
        + text.substring(afterFirstStart, afterResumedStart) + check("initial-loss", false, 9.5) + check("gradient", true, 0)
        + text.substring(afterResumedStart);
    RunMetrics m = RunMetrics.parse(withChecks, "metrics.jsonl");
    assertEquals(List.of("initial-loss", "gradient"), m.checks.stream().map(c -> c.get("check").asText()).toList());
    String html = HtmlReport.render(m);
    int at = html.indexOf("<div id=\"checks\"><h2>Sanity checks</h2>");
    assertTrue(at >= 0, "a Sanity checks section");
    String section = html.substring(at, html.indexOf("</table>", at));
    assertTrue(section.contains("1 of 2 checks FAILED"), section);
    assertTrue(section.contains("<tr class=\"fail\"><td>initial-loss</td><td>FAIL</td><td>9.500</td><td>ln C = ln 10 = 2.3026 ± 0.450</td>"),
        section);
    assertTrue(section.contains("<tr class=\"pass\"><td>gradient</td><td>PASS</td><td>0.000</td>"), section);
    assertTrue(section.contains("weights &lt;too&gt; large"), "escaped");
    assertTrue(!section.contains("first-attempt"), "the superseded start's checks are dropped");
    assertTrue(HtmlReport.render(RunMetrics.parse(text, "m")).contains("No sanity checks were recorded"));
    String passed = CheckTable.section(RunMetrics.parse(text.substring(0, afterFirstStart) + check("a", true, 1) + check("b", true, 2),
        "m").checks);
    assertTrue(passed.contains("<p>All 2 checks passed.</p>") && !passed.contains("FAIL"), passed);
  }
}
