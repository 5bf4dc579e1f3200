package dev.dptrain.driver.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dptrain.driver.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code report.html}: one self-contained page (inline SVG and CSS, no scripts, nothing fetched)
 * made from a run's {@code metrics.jsonl}: headline figures, loss and accuracy per epoch, loss,
 * learning rate, gradient norm, per-layer update/weight ratio and throughput per step, the
 * train/validation gap with a verdict and the per-layer signal health per epoch
 * ({@link FitDiagnostics}), the sanity checks run before training ({@link CheckTable}), the config file and the model summary. Regenerate one with
 * {@code java -cp ... dev.dptrain.driver.report.HtmlReport RUN_DIR}.
 */
public final class HtmlReport {
  private HtmlReport() {}

  /** Reads {@code dir/metrics.jsonl} and writes {@code dir/report.html} (any Hadoop path); returns its path. */
  public static String write(String dir, Configuration hadoop) throws IOException {
    Path in = new Path(dir, "metrics.jsonl");
    FileSystem fs = in.getFileSystem(hadoop);
    if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem();
    String text;
    try (InputStream s = fs.open(in)) {
      text = new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path out = new Path(dir, "report.html");
    AtomicFiles.write(fs, out, render(RunMetrics.parse(text, in.toString())).getBytes(StandardCharsets.UTF_8));
    return fs.makeQualified(out).toString();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: HtmlReport RUN_DIR   (reads RUN_DIR/metrics.jsonl, writes RUN_DIR/report.html)");
      System.exit(2);
    }
    System.out.println(write(args[0], new Configuration()));
  }

  public static String render(RunMetrics m) {
    double[] step = RunMetrics.column(m.steps, "step");
    double[] epoch = RunMetrics.column(m.epochs, "epoch");
    String[] pal = SvgChart.PALETTE;
    List<String> charts = new ArrayList<>();
    charts.add(new SvgChart("chart-epoch-loss", "Loss per epoch", "epoch", false)
        .add("train", epoch, RunMetrics.column(m.epochs, "train_loss"), pal[0], 1, true)
        .add("validation", epoch, RunMetrics.column(m.epochs, "validation_loss"), pal[1], 1, true).render());
    if (regression(m)) {
      charts.add(new SvgChart("chart-epoch-rmse", "Validation RMSE per epoch (target units)", "epoch", false)
          .add("validation", epoch, RunMetrics.column(m.epochs, "validation_rmse"), pal[1], 1, true).render());
    } else {
      charts.add(new SvgChart("chart-epoch-accuracy", "Accuracy per epoch", "epoch", false)
          .add("train", epoch, RunMetrics.column(m.epochs, "train_accuracy"), pal[0], 1, true)
          .add("validation", epoch, RunMetrics.column(m.epochs, "validation_accuracy"), pal[1], 1, true).render());
    }
    double[] loss = RunMetrics.column(m.steps, "loss");
    charts.add(new SvgChart("chart-step-loss", "Training loss per step", "step", false)
        .add("batch", step, loss, pal[0], 0.3, false)
        .add("smoothed", step, smooth(loss), pal[0], 1, false).render());
    charts.add(new SvgChart("chart-lr", "Learning rate", "step", false)
        .add("lr", step, RunMetrics.column(m.steps, "lr"), pal[2], 1, false).render());
    charts.add(new SvgChart("chart-grad-norm", "Gradient norm (before clipping)", "step", false)
        .add("‖g‖", step, RunMetrics.column(m.steps, "grad_norm"), pal[3], 0.8, false).render());
    charts.add(updateRatioChart(m));
    charts.add(FitDiagnostics.gapChart(m));
    charts.addAll(FitDiagnostics.healthCharts(m));
    charts.add(new SvgChart("chart-throughput", "Throughput (samples/s)", "step", false)
        .add("per step", step, RunMetrics.column(m.steps, "samples_per_s"), pal[5], 0.3, false)
        .add("smoothed", step, smooth(RunMetrics.column(m.steps, "samples_per_s")), pal[5], 1, false).render());

    StringBuilder page = new StringBuilder();
    page.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>dptrain report</title><style>").append(CSS).append("</style></head><body>\n");
    page.append("<header><h1>dptrain run report</h1><p class=\"sub\">started ")
        .append(Html.escape(m.start.path("time").asText("?"))).append(" &middot; ")
        .append(String.format(Locale.ROOT, "%,d", m.start.path("params").asLong())).append(" parameters &middot; batch ")
        .append(m.start.path("batch_size").asLong()).append(" &middot; ")
        .append(m.start.path("steps_per_epoch").asLong()).append(" steps/epoch</p></header>\n");
    page.append("<section class=\"cards\">").append(cards(m)).append("</section>\n");
    page.append("<section class=\"text\"><div id=\"verdict\"><h2>Train/validation gap</h2><p>")
        .append(Html.escape(FitDiagnostics.verdict(m))).append("</p></div>").append(CheckTable.section(m.checks))
        .append("</section>\n");
    page.append("<section class=\"charts\">");
    for (String c : charts) page.append("<figure>").append(c).append("</figure>\n");
    page.append("</section>\n");
    page.append("<section class=\"text\"><div><h2>Model</h2><pre>").append(Html.escape(m.start.path("summary").asText("")))
        .append("</pre></div><div><h2>Config</h2><pre>").append(Html.escape(m.start.path("config").asText("")))
        .append("</pre></div></section>\n</body></html>\n");
    return page.toString();
  }

  private static String updateRatioChart(RunMetrics m) {
    JsonNode layers = m.start.path("layers");
    List<JsonNode> withRatios = m.steps.stream().filter(s -> s.has("update_ratio")).toList();
    double[] x = RunMetrics.column(withRatios, "step");
    SvgChart chart = new SvgChart("chart-update-ratio", "Update / weight ratio ‖Δw‖/‖w‖ per layer", "step", true);
    for (int k = 0; k < layers.size(); k++) {
      double[] y = new double[withRatios.size()];
      for (int i = 0; i < y.length; i++) {
        JsonNode v = withRatios.get(i).path("update_ratio").path(k);
        y[i] = v.isNumber() ? v.asDouble() : Double.NaN;
      }
      JsonNode layer = layers.get(k);
      String name = layer.path("index").asInt() + " " + layer.path("name").asText().replaceFirst("\\(.*", "");
      chart.add(name, x, y, SvgChart.PALETTE[k % SvgChart.PALETTE.length], 0.9, false);
    }
    return chart.render();
  }

  private static String cards(RunMetrics m) {
    StringBuilder sb = new StringBuilder();
    JsonNode last = m.epochs.isEmpty() ? null : m.epochs.get(m.epochs.size() - 1);
    if (last != null && regression(m)) {
      card(sb, "validation RMSE", number(last.get("validation_rmse")));
      card(sb, "validation MAE", number(last.get("validation_mae")));
      card(sb, "validation R²", number(last.get("validation_r2")));
      card(sb, "train loss (½ squared error)", number(last.get("train_loss")));
    } else if (last != null) {
      card(sb, "validation accuracy", percent(last.get("validation_accuracy")));
      card(sb, "validation loss", number(last.get("validation_loss")));
      card(sb, "train accuracy", percent(last.get("train_accuracy")));
      card(sb, "train loss", number(last.get("train_loss")));
    }
    card(sb, "epochs", m.epochs.size() + " / " + m.start.path("epochs").asInt());
    card(sb, "steps", String.format(Locale.ROOT, "%,d", m.steps.isEmpty() ? 0 : m.steps.get(m.steps.size() - 1).path("step").asLong()));
    double seconds = Math.max(last == null ? 0 : last.path("time_s").asDouble(),
        m.steps.isEmpty() ? 0 : m.steps.get(m.steps.size() - 1).path("time_s").asDouble());
    card(sb, "time", duration(seconds));
    double rate = median(RunMetrics.column(m.steps, "samples_per_s")); // NaN without a measured step
    card(sb, "median samples/s", Double.isNaN(rate) ? "–" : String.format(Locale.ROOT, "%,.0f", rate));
    return sb.toString();
  }

  /** A regression run: its epochs carry no accuracy. */
  private static boolean regression(RunMetrics m) {
    return !m.epochs.isEmpty() && m.epochs.stream().noneMatch(e -> e.has("train_accuracy"));
  }

  private static void card(StringBuilder sb, String name, String value) {
    sb.append("<div class=\"card\"><div class=\"value\">").append(Html.escape(value))
        .append("</div><div class=\"name\">").append(name).append("</div></div>");
  }

  private static String percent(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * n.asDouble());
  }

  private static String number(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.4f", n.asDouble());
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60) : s + " s";
  }

  private static double median(double[] v) {
    double[] f = java.util.Arrays.stream(v).filter(Double::isFinite).sorted().toArray();
    return f.length == 0 ? Double.NaN : f[f.length / 2];
  }

  /** Bias-corrected exponential moving average (weight 0.95 on the history), NaNs skipped. */
  static double[] smooth(double[] v) {
    double[] out = new double[v.length];
    double avg = 0;
    double weight = 0;
    for (int i = 0; i < v.length; i++) {
      if (Double.isFinite(v[i])) {
        avg = 0.95 * avg + 0.05 * v[i];
        weight = 0.95 * weight + 0.05;
      }
      out[i] = weight == 0 ? Double.NaN : avg / weight;
    }
    return out;
  }

  static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f8fafc;margin:0;padding:24px 32px}
      h1{font-size:22px;margin:0}h2{font-size:15px;margin:0 0 8px}.sub{color:#64748b;margin:4px 0 0}
      .cards{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0}
      .card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 16px;min-width:120px}
      .card .value{font-size:20px;font-weight:600}.card .name{color:#64748b;font-size:12px}
      .charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(520px,1fr));gap:16px}
      figure{margin:0;background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:8px}
      svg.chart{width:100%;height:auto;display:block}
      svg .title{font-size:14px;font-weight:600;fill:#1f2937}svg .tick,svg .legend{font-size:11px;fill:#475569}
      svg .label{font-size:12px;fill:#64748b}svg .empty{font-size:13px;fill:#94a3b8;text-anchor:middle}
      svg .grid{stroke:#e2e8f0;stroke-width:1}svg .axis{stroke:#94a3b8;stroke-width:1}
      svg .series{fill:none;stroke-width:1.8;stroke-linejoin:round;stroke-linecap:round}
      .text{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:16px;margin-top:20px}
      .text>div{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:12px 16px;overflow:auto}
      table{border-collapse:collapse;font-size:13px}td,th{border-top:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
      tr.fail td{color:#b91c1c;background:#fef2f2}tr.fail td:nth-child(2){font-weight:700}tr.pass td:nth-child(2){color:#15803d}
      pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;margin:0}
      """;
}
