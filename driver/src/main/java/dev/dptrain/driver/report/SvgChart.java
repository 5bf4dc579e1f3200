package dev.dptrain.driver.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart as inline SVG: nice axis ticks, linear or log-10 y axis, a legend, and series
 * with gaps where values are missing (NaN). Long series are averaged down to at most
 * {@value #MAX_POINTS} points so a report of a long run stays small and fast.
 */
final class SvgChart {
  static final int MAX_POINTS = 1000;
  private static final int WIDTH = 560;
  private static final int HEIGHT = 280;
  private static final int LEFT = 64;
  private static final int RIGHT = 16;
  private static final int TOP = 48;
  private static final int BOTTOM = 44;
  static final String[] PALETTE = {"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#db2777", "#65a30d"};

  /** @param markers draw a dot at every point (few points, e.g. per epoch) */
  record Series(String name, double[] x, double[] y, String color, double opacity, boolean markers) {}

  private final String id;
  private final String title;
  private final String xLabel;
  private final boolean logY;
  private boolean logX;
  private final List<Series> series = new ArrayList<>();

  SvgChart(String id, String title, String xLabel, boolean logY) {
    this.id = id;
    this.title = title;
    this.xLabel = xLabel;
    this.logY = logY;
  }

  /** A logarithmic x axis (learning rates, search ranges sampled log-uniformly). */
  SvgChart logX() {
    this.logX = true;
    return this;
  }

  SvgChart add(String name, double[] x, double[] y, String color, double opacity, boolean markers) {
    double[][] xy = averageDown(x, y, MAX_POINTS);
    series.add(new Series(name, xy[0], xy[1], color, opacity, markers));
    return this;
  }

  String render() {
    double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
    double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (int i = 0; i < s.x.length; i++) {
        double y = s.y[i];
        if (!usable(y) || (logX && !(s.x[i] > 0))) continue;
        xMin = Math.min(xMin, s.x[i]);
        xMax = Math.max(xMax, s.x[i]);
        yMin = Math.min(yMin, y);
        yMax = Math.max(yMax, y);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\">",
        id, WIDTH, HEIGHT, Html.escape(title)));
    sb.append(String.format(Locale.ROOT, "<text class=\"title\" x=\"%d\" y=\"20\">%s</text>", LEFT, Html.escape(title)));
    if (xMin > xMax) {
      sb.append(String.format(Locale.ROOT, "<text class=\"empty\" x=\"%d\" y=\"%d\">no data</text></svg>", WIDTH / 2, HEIGHT / 2));
      return sb.toString();
    }
    double[] xTicks = logX ? logTicks(xMin, xMax) : linearTicks(xMin, xMax == xMin ? xMin + 1 : xMax, integral() ? 1 : 0);
    double[] yTicks = logY ? logTicks(yMin, yMax) : linearTicks(yMin, yMax == yMin ? yMin + Math.max(1e-9, Math.abs(yMin)) : yMax, 0);
    Axis xAxis = new Axis(xTicks[0], xTicks[xTicks.length - 1], LEFT, WIDTH - RIGHT, logX);
    Axis yAxis = new Axis(yTicks[0], yTicks[yTicks.length - 1], HEIGHT - BOTTOM, TOP, logY);
    for (double t : yTicks) {
      double py = yAxis.map(t);
      sb.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>", LEFT, WIDTH - RIGHT, py, py));
      sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>", LEFT - 6, py + 4, label(t)));
    }
    for (double t : xTicks) {
      double px = xAxis.map(t);
      sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>", px, px, HEIGHT - BOTTOM, HEIGHT - BOTTOM + 4));
      sb.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", px, HEIGHT - BOTTOM + 17, label(t)));
    }
    sb.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>", LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, HEIGHT - BOTTOM));
    sb.append(String.format(Locale.ROOT, "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", (LEFT + WIDTH - RIGHT) / 2, HEIGHT - 8, Html.escape(xLabel)));
    for (Series s : series) {
      StringBuilder d = new StringBuilder();
      int points = 0;
      boolean pen = false;
      for (int i = 0; i < s.x.length; i++) {
        if (!usable(s.y[i]) || (logX && !(s.x[i] > 0))) {
          pen = false;
          continue;
        }
        d.append(pen ? 'L' : 'M').append(String.format(Locale.ROOT, "%.1f %.1f", xAxis.map(s.x[i]), yAxis.map(s.y[i])));
        pen = true;
        points++;
      }
      sb.append(String.format(Locale.ROOT,
          "<path class=\"series\" data-series=\"%s\" data-points=\"%d\" d=\"%s\" stroke=\"%s\" stroke-opacity=\"%.2f\"/>",
          Html.escape(s.name), points, d, s.color, s.opacity));
      if (s.markers) {
        for (int i = 0; i < s.x.length; i++) {
          if (!usable(s.y[i]) || (logX && !(s.x[i] > 0))) continue;
          sb.append(String.format(Locale.ROOT, "<circle class=\"marker\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"><title>%s %s: %s</title></circle>",
              xAxis.map(s.x[i]), yAxis.map(s.y[i]), s.color, Html.escape(s.name), label(s.x[i]), String.format(Locale.ROOT, "%.4g", s.y[i])));
        }
      }
    }
    // Legend in its own row under the title, for charts with more than one series.
    if (series.size() > 1) {
      int x = LEFT;
      sb.append("<g class=\"legend\">");
      for (Series s : series) {
        sb.append(String.format(Locale.ROOT,
            "<rect x=\"%d\" y=\"29\" width=\"12\" height=\"4\" fill=\"%s\" fill-opacity=\"%.2f\"/><text class=\"legend\" x=\"%d\" y=\"35\">%s</text>",
            x, s.color, s.markers && s.opacity == 0 ? 1 : s.opacity, x + 16, Html.escape(s.name))); // a scatter's swatch
        x += 6 * s.name.length() + 30;
      }
      sb.append("</g>");
    }
    return sb.append("</svg>").toString();
  }

  /** Whether every x is a whole number (epochs, steps): then ticks are too. */
  private boolean integral() {
    for (Series s : series) for (double x : s.x) if (x != Math.rint(x)) return false;
    return true;
  }

  private boolean usable(double y) {
    return Double.isFinite(y) && (!logY || y > 0);
  }

  private record Axis(double lo, double hi, double pixelLo, double pixelHi, boolean log) {
    double map(double v) {
      double t = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : (v - lo) / (hi - lo);
      return pixelLo + t * (pixelHi - pixelLo);
    }
  }

  /** About five ticks at 1, 2 or 5 times a power of ten, at least {@code minStep} apart, covering [lo, hi]. */
  static double[] linearTicks(double lo, double hi, double minStep) {
    double raw = Math.max((hi - lo) / 5, minStep);
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag < 1.5 ? mag : raw / mag < 3.5 ? 2 * mag : raw / mag < 7.5 ? 5 * mag : 10 * mag;
    double first = Math.floor(lo / step) * step;
    double last = Math.ceil(hi / step) * step;
    int n = (int) Math.round((last - first) / step) + 1;
    double[] t = new double[n];
    for (int i = 0; i < n; i++) t[i] = first + i * step;
    return t;
  }

  /** Powers of ten covering [lo, hi] (both > 0). */
  static double[] logTicks(double lo, double hi) {
    int a = (int) Math.floor(Math.log10(lo));
    int b = (int) Math.ceil(Math.log10(hi));
    if (b == a) b++;
    double[] t = new double[b - a + 1];
    for (int i = 0; i < t.length; i++) t[i] = Math.pow(10, a + i);
    return t;
  }

  static String label(double v) {
    if (v == 0) return "0";
    double a = Math.abs(v);
    if (a >= 1e5 || a < 1e-3) {
      String s = String.format(Locale.ROOT, "%.1e", v).replace(".0e", "e");
      return s.replaceAll("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
    }
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    return a >= 1000 ? String.format(Locale.ROOT, "%,d", Math.round(v)) : s;
  }

  /** Means of consecutive buckets when there are more than {@code max} points; NaNs are skipped. */
  static double[][] averageDown(double[] x, double[] y, int max) {
    if (x.length <= max) return new double[][] {x, y};
    double[] bx = new double[max];
    double[] by = new double[max];
    for (int b = 0; b < max; b++) {
      int from = (int) ((long) b * x.length / max);
      int to = (int) ((long) (b + 1) * x.length / max);
      double sx = 0, sy = 0;
      int n = 0;
      for (int i = from; i < to; i++) {
        if (!Double.isFinite(y[i])) continue;
        sx += x[i];
        sy += y[i];
        n++;
      }
      bx[b] = n == 0 ? x[from] : sx / n;
      by[b] = n == 0 ? Double.NaN : sy / n;
    }
    return new double[][] {bx, by};
  }
}
