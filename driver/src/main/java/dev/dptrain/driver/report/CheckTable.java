package dev.dptrain.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The "Sanity checks" section of report.html and check.html: one row per check record (see
 * {@link dev.dptrain.driver.metrics.MetricsLog#checkRecord}) with pass or fail, the figure judged,
 * what passes and what it means; a failed row is marked {@code class="fail"} and says FAIL.
 */
final class CheckTable {
  private CheckTable() {}

  static String section(List<JsonNode> checks) {
    StringBuilder sb = new StringBuilder("<div id=\"checks\"><h2>Sanity checks</h2>");
    if (checks.isEmpty()) return sb.append("<p>No sanity checks were recorded for this run.</p></div>").toString();
    long failed = checks.stream().filter(c -> !c.path("passed").asBoolean()).count();
    sb.append("<p>").append(failed == 0 ? "All " + checks.size() + " checks passed."
        : failed + " of " + checks.size() + " checks FAILED: read what each means before trusting this run.").append("</p>");
    sb.append("<table><tr><th>check</th><th>result</th><th>value</th><th>passes when</th><th>what it means</th></tr>");
    for (JsonNode c : checks) {
      boolean ok = c.path("passed").asBoolean();
      JsonNode v = c.path("value");
      sb.append("<tr class=\"").append(ok ? "pass" : "fail").append("\"><td>").append(Html.escape(c.path("check").asText()))
          .append("</td><td>").append(ok ? "PASS" : "FAIL").append("</td><td>")
          .append(v.isNumber() ? String.format(Locale.ROOT, "%.4g", v.asDouble()) : "–").append("</td><td>")
          .append(Html.escape(c.path("expected").asText())).append("</td><td>")
          .append(Html.escape(c.path("measured").asText())).append(". ").append(Html.escape(c.path("meaning").asText()))
          .append("</td></tr>");
    }
    return sb.append("</table></div>").toString();
  }
}
