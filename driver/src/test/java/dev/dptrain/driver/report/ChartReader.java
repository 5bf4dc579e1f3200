package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * One chart of a page read back from its SVG as a reader of the page sees it: the tick labels
 * with their pixel positions, each series' vertices, markers and legend. A vertex is checked
 * against the data by placing the value between the labelled ticks (linearly, or in log10 on a
 * log axis): coordinates are written with one decimal ({@code %.1f}), so a vertex and a tick
 * each lie within 0.05 px of the exact position and {@link #PIXEL_TOLERANCE} allows both.
 */
final class ChartReader {
  /** Rounding of a vertex and of a tick position to one decimal each. */
  static final double PIXEL_TOLERANCE = 0.1 + 1e-9;

  record Tick(double pixel, double value, String label) {}

  /** A series path: its vertices in pixels and how many separate runs (pen lifts) it has. */
  record Series(String name, int declaredPoints, List<double[]> vertices, int runs, double opacity, String color) {}

  /** A marker circle: pixel position and its hover title. */
  record Marker(double x, double y, String color, String title) {}

  /** A legend entry: swatch x, its fill opacity, text x and the text. */
  record LegendEntry(double swatchX, double opacity, double textX, String text) {}

  final String svg;
  final String title;
  final String xLabel;
  final boolean empty;
  final List<Tick> xTicks = new ArrayList<>();
  final List<Tick> yTicks = new ArrayList<>();
  final Map<String, Series> series = new LinkedHashMap<>();
  final List<Marker> markers = new ArrayList<>();
  final List<LegendEntry> legend = new ArrayList<>();
  /** The x axis line: from (axisLeft, axisY) to (axisRight, axisY); NaN when the chart has none. */
  double axisLeft = Double.NaN;
  double axisRight = Double.NaN;
  double axisY = Double.NaN;
  /** The viewBox's width and height. */
  final double width;
  final double height;

  private ChartReader(String svg) throws Exception {
    this.svg = svg;
    var factory = DocumentBuilderFactory.newInstance();
    Element root = factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg))).getDocumentElement();
    String[] box = root.getAttribute("viewBox").split(" ");
    width = Double.parseDouble(box[2]);
    height = Double.parseDouble(box[3]);
    String t = null;
    String label = null;
    boolean noData = false;
    NodeList texts = root.getElementsByTagName("text");
    for (int i = 0; i < texts.getLength(); i++) {
      Element e = (Element) texts.item(i);
      switch (e.getAttribute("class")) {
        case "title" -> t = e.getTextContent();
        case "label" -> label = e.getTextContent();
        case "empty" -> noData = true;
        case "tick" -> {
          double v = Double.parseDouble(e.getTextContent().replace(",", ""));
          if (e.getAttribute("text-anchor").equals("end")) {
            yTicks.add(new Tick(num(e, "y") - 4, v, e.getTextContent())); // the label sits 4 px below its grid line
          } else {
            xTicks.add(new Tick(num(e, "x"), v, e.getTextContent()));
          }
        }
        default -> { }
      }
    }
    title = t;
    xLabel = label;
    empty = noData;
    NodeList paths = root.getElementsByTagName("path");
    for (int i = 0; i < paths.getLength(); i++) {
      Element e = (Element) paths.item(i);
      List<double[]> v = new ArrayList<>();
      int runs = 0;
      Matcher m = Pattern.compile("([ML])(-?[0-9.]+) (-?[0-9.]+)").matcher(e.getAttribute("d"));
      while (m.find()) {
        if (m.group(1).equals("M")) runs++;
        v.add(new double[] {Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3))});
      }
      series.put(e.getAttribute("data-series"), new Series(e.getAttribute("data-series"),
          Integer.parseInt(e.getAttribute("data-points")), v, runs, num(e, "stroke-opacity"), e.getAttribute("stroke")));
    }
    NodeList lines = root.getElementsByTagName("line");
    for (int i = 0; i < lines.getLength(); i++) {
      Element e = (Element) lines.item(i);
      if (e.getAttribute("class").equals("axis") && num(e, "y1") == num(e, "y2")) {
        axisLeft = num(e, "x1");
        axisRight = num(e, "x2");
        axisY = num(e, "y1");
      }
    }
    NodeList circles = root.getElementsByTagName("circle");
    for (int i = 0; i < circles.getLength(); i++) {
      Element e = (Element) circles.item(i);
      markers.add(new Marker(num(e, "cx"), num(e, "cy"), e.getAttribute("fill"), e.getTextContent()));
    }
    NodeList groups = root.getElementsByTagName("g");
    for (int g = 0; g < groups.getLength(); g++) {
      Element group = (Element) groups.item(g);
      if (!group.getAttribute("class").equals("legend")) continue;
      NodeList rects = group.getElementsByTagName("rect");
      NodeList names = group.getElementsByTagName("text");
      for (int i = 0; i < rects.getLength(); i++) {
        Element r = (Element) rects.item(i);
        Element n = (Element) names.item(i);
        legend.add(new LegendEntry(num(r, "x"), num(r, "fill-opacity"), num(n, "x"), n.getTextContent()));
      }
    }
  }

  private static double num(Element e, String attribute) {
    return Double.parseDouble(e.getAttribute(attribute));
  }

  /** The {@code <svg>} element with this id in the page, parsed. */
  static ChartReader of(String html, String id) {
    int at = html.indexOf("<svg class=\"chart\" id=\"" + id + "\"");
    assertTrue(at >= 0, "no chart " + id);
    try {
      return new ChartReader(html.substring(at, html.indexOf("</svg>", at) + "</svg>".length()));
    } catch (Exception e) {
      throw new AssertionError("chart " + id + " is not well-formed SVG: " + e, e);
    }
  }

  Series series(String name) {
    Series s = series.get(name);
    assertTrue(s != null, "no series '" + name + "' in " + series.keySet());
    return s;
  }

  /** The pixel at which value v belongs between the first and last labelled tick. */
  static double pixel(List<Tick> ticks, double v, boolean log) {
    Tick a = ticks.get(0);
    Tick b = ticks.get(ticks.size() - 1);
    double t = log ? Math.log10(v / a.value()) / Math.log10(b.value() / a.value()) : (v - a.value()) / (b.value() - a.value());
    return a.pixel() + t * (b.pixel() - a.pixel());
  }

  /**
   * The ticks are evenly spaced, increase along the axis (x to the right, y upwards), span the
   * drawn x axis from end to end and the height above it up to below the title and legend
   * (y 35), and cover every vertex.
   */
  void assertAxesSound(boolean logX, boolean logY) {
    assertAxis(xTicks, logX, true);
    assertAxis(yTicks, logY, false);
    assertEquals(axisLeft, xTicks.get(0).pixel(), PIXEL_TOLERANCE, title + ": the first x tick at the axis' left end");
    assertEquals(axisRight, xTicks.get(xTicks.size() - 1).pixel(), PIXEL_TOLERANCE, title + ": the last x tick at its right end");
    assertEquals(axisY, yTicks.get(0).pixel(), PIXEL_TOLERANCE, title + ": the lowest y tick on the x axis");
    double topTick = yTicks.get(yTicks.size() - 1).pixel();
    assertTrue(topTick > 35 && topTick < axisY - 0.5 * (height - 35), title + ": the top y tick below the legend row, over half the height");
    assertTrue(axisLeft > 0 && axisRight < width && axisY < height, title + ": the axis inside the view box");
    double left = xTicks.get(0).pixel() - PIXEL_TOLERANCE;
    double right = xTicks.get(xTicks.size() - 1).pixel() + PIXEL_TOLERANCE;
    double bottom = yTicks.get(0).pixel() + PIXEL_TOLERANCE;
    double top = yTicks.get(yTicks.size() - 1).pixel() - PIXEL_TOLERANCE;
    for (Series s : series.values()) {
      for (double[] p : s.vertices()) {
        assertTrue(p[0] >= left && p[0] <= right && p[1] <= bottom && p[1] >= top,
            title + ": vertex " + p[0] + "," + p[1] + " of " + s.name() + " outside the ticks");
      }
    }
  }

  private void assertAxis(List<Tick> ticks, boolean log, boolean x) {
    assertTrue(ticks.size() >= 2, title + ": at least two ticks on each axis");
    for (int i = 1; i < ticks.size(); i++) {
      Tick a = ticks.get(i - 1);
      Tick b = ticks.get(i);
      assertTrue(b.value() > a.value(), title + ": tick values increase");
      assertTrue(x ? b.pixel() > a.pixel() : b.pixel() < a.pixel(), title + ": ticks run " + (x ? "rightwards" : "upwards"));
      if (log) assertEquals(10, b.value() / a.value(), 1e-9, title + ": a log axis has a tick per power of ten");
      double spacing = ticks.get(1).pixel() - ticks.get(0).pixel();
      assertEquals(spacing, b.pixel() - a.pixel(), 2 * PIXEL_TOLERANCE, title + ": evenly spaced ticks");
    }
  }

  /** Every vertex of the series is at its (x, y), in order; non-finite y are gaps. */
  void assertPlots(String name, double[] x, double[] y, boolean logX, boolean logY) {
    Series s = series(name);
    List<double[]> expected = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(y[i]) && (!logY || y[i] > 0) && (!logX || x[i] > 0)) expected.add(new double[] {x[i], y[i]});
    }
    assertEquals(expected.size(), s.vertices().size(), title + ": vertices of " + name);
    assertEquals(expected.size(), s.declaredPoints(), title + ": data-points of " + name);
    for (int i = 0; i < expected.size(); i++) {
      double[] p = s.vertices().get(i);
      double[] e = expected.get(i);
      assertEquals(pixel(xTicks, e[0], logX), p[0], PIXEL_TOLERANCE, title + ": x of vertex " + i + " of " + name);
      assertEquals(pixel(yTicks, e[1], logY), p[1], PIXEL_TOLERANCE, title + ": y of vertex " + i + " of " + name);
    }
  }
}
