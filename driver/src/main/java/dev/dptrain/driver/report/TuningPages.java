package dev.dptrain.driver.report;

import dev.dptrain.driver.tuning.RandomSearch;
import dev.dptrain.model.tuning.LrRangeTest;
import dev.dptrain.model.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The self-contained HTML pages of the tuning commands (inline SVG, the report's style): the
 * sanity checks as report.html shows them, the learning-rate range test's loss against the learning rate, and the search's score against each
 * hyperparameter on its own scale.
 */
public final class TuningPages {
  private TuningPages() {}

  /** {@code lr-find.html}: loss and smoothed loss against lr (log axis), the suggestion marked. */
  public static String lrFind(LrRangeTest.Result r, String source) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : r.smoothed()) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    String chart = new SvgChart("chart-lr-find", "Loss against learning rate", "learning rate (log scale)", false).logX()
        .add("loss", r.lr(), r.loss(), SvgChart.PALETTE[0], 0.3, false)
        .add("smoothed", r.lr(), r.smoothed(), SvgChart.PALETTE[0], 1, false)
        .add(String.format(Locale.ROOT, "suggested %.3g", r.suggestedLr()), new double[] {r.suggestedLr(), r.suggestedLr()},
            new double[] {lo, hi}, SvgChart.PALETTE[2], 1, false)
        .render();
    return page("dptrain lr-find", "Learning-rate range test", source,
        "<p>" + Html.escape(r.describe()) + ". Too low a rate barely moves the loss; too high a rate makes it"
            + " blow up. Train with the suggestion, or a little below it for long runs.</p>", List.of(chart));
  }

  /**
   * {@code search.html}: the score of every trial against each hyperparameter on its own scale
   * (log axis for log-uniform ranges, the choice's index for choices), one colour per phase; the
   * best trial and the edge warnings in words.
   */
  public static String search(List<RandomSearch.Trial> trials, SearchSpace space, String source) {
    RandomSearch.Trial best = RandomSearch.best(trials);
    List<String> charts = new ArrayList<>();
    List<String> phases = trials.stream().map(RandomSearch.Trial::phase).distinct().toList();
    for (SearchSpace.Param p : space.params()) {
      boolean choice = p.kind() == SearchSpace.Kind.CHOICE;
      SvgChart c = new SvgChart("chart-" + p.path().replaceAll("[^a-z0-9]+", "-"),
          best.metric().configName() + " against " + p.path() + (choice ? " " + p.choices() : ""),
          p.path() + (choice ? " (index of the choice)" : p.kind() == SearchSpace.Kind.LOG_UNIFORM ? " (log scale)" : ""),
          false);
      if (p.kind() == SearchSpace.Kind.LOG_UNIFORM) c.logX();
      for (int k = 0; k < phases.size(); k++) {
        String phase = phases.get(k);
        List<RandomSearch.Trial> in = trials.stream().filter(t -> t.phase().equals(phase)).toList();
        double[] x = new double[in.size()];
        double[] y = new double[in.size()];
        for (int i = 0; i < x.length; i++) {
          Object v = in.get(i).values().get(p.path());
          x[i] = choice ? p.choices().indexOf(v) : ((Number) v).doubleValue();
          y[i] = in.get(i).value();
        }
        int[] order = java.util.stream.IntStream.range(0, x.length).boxed()
            .sorted(java.util.Comparator.comparingDouble(i -> x[i])).mapToInt(Integer::intValue).toArray();
        double[] xs = new double[x.length];
        double[] ys = new double[x.length];
        for (int i = 0; i < order.length; i++) {
          xs[i] = x[order[i]];
          ys[i] = y[order[i]];
        }
        c.add(phase, xs, ys, SvgChart.PALETTE[k % SvgChart.PALETTE.length], 0, true); // markers only: a scatter
      }
      charts.add(c.render());
    }
    StringBuilder intro = new StringBuilder("<p>").append(trials.size()).append(" trials. Best: ")
        .append(Html.escape(best.describe())).append("</p>");
    for (String w : RandomSearch.edgeWarnings(space, best)) intro.append("<p><b>Warning:</b> ").append(Html.escape(w)).append("</p>");
    intro.append("<pre>");
    for (RandomSearch.Trial t : trials) intro.append(Html.escape(t.describe())).append('\n');
    intro.append("</pre>");
    return page("dptrain search", "Hyperparameter search", source, intro.toString(), charts);
  }

  /** {@code check.html}: the sanity checks of {@code dptrain check}, from the records of its {@code check.jsonl}. */
  public static String checks(String checkJsonl, String source) {
    return page("dptrain check", "Sanity checks", source, CheckTable.section(RunMetrics.records(checkJsonl, "check.jsonl")),
        List.of());
  }

  static String page(String title, String heading, String source, String intro, List<String> charts) {
    StringBuilder p = new StringBuilder();
    p.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>").append(Html.escape(title)).append("</title><style>").append(HtmlReport.CSS)
        .append("</style></head><body>\n<header><h1>").append(Html.escape(heading)).append("</h1><p class=\"sub\">")
        .append(Html.escape(source)).append("</p></header>\n<section class=\"text\"><div>").append(intro)
        .append("</div></section>\n<section class=\"charts\">");
    for (String c : charts) p.append("<figure>").append(c).append("</figure>\n");
    return p.append("</section>\n</body></html>\n").toString();
  }
}
