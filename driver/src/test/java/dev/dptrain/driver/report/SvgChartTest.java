package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The charts read back from their SVG: every point where its value belongs on labelled axes, gaps, log axes, legend. */
class SvgChartTest {
  private static final double NaN = Double.NaN;

  private static ChartReader read(SvgChart chart, String id) {
    return ChartReader.of(chart.render(), id);
  }

  @Test
  void everyPointLiesWhereItsValueBelongsBetweenTheLabelledTicks() {
    double[] x = {1, 2, 3, 4, 5, 6, 7};
    double[] a = {0.3, NaN, 1.7, 2.2, -0.4, 5, 3};
    double[] b = {4, 3.5, 3, 2.5, 2, 1.5, 1};
    ChartReader c = read(new SvgChart("c", "Two <series>", "epoch", false)
        .add("train", x, a, "#111111", 1, true).add("validation", x, b, "#222222", 0.5, false), "c");
    assertEquals("Two <series>", c.title);
    assertEquals("epoch", c.xLabel);
    c.assertAxesSound(false, false);
    c.assertPlots("train", x, a, false, false);
    c.assertPlots("validation", x, b, false, false);
    assertEquals(2, c.series("train").runs(), "the missing value leaves a gap in the line");
    assertEquals(1, c.series("validation").runs());
    assertEquals(0.5, c.series("validation").opacity());
    // a marker on every point of the series with markers, none on the other, each titled with its value
    assertEquals(6, c.markers.size());
    List<double[]> v = c.series("train").vertices();
    for (int i = 0; i < v.size(); i++) {
      assertEquals(v.get(i)[0], c.markers.get(i).x(), 1e-9);
      assertEquals(v.get(i)[1], c.markers.get(i).y(), 1e-9);
      assertEquals("#111111", c.markers.get(i).color());
    }
    assertEquals("train 1: 0.3000", c.markers.get(0).title());
    assertEquals("train 5: -0.4000", c.markers.get(3).title());
    // whole-numbered x (epochs): whole-numbered ticks only
    for (ChartReader.Tick t : c.xTicks) assertEquals(Math.rint(t.value()), t.value(), 0, "x tick " + t.label());
  }

  @Test
  void aLogYAxisHasATickPerPowerOfTenAndLeavesOutValuesThatAreNotPositive() {
    double[] x = {10, 20, 30, 40, 50};
    double[] y = {1e-3, 0, 2e-2, -1, 0.5};
    ChartReader c = read(new SvgChart("r", "Ratios", "step", true).add("0 dense", x, y, "#111111", 1, false), "r");
    c.assertAxesSound(false, true);
    c.assertPlots("0 dense", x, y, false, true);
    assertEquals(3, c.series("0 dense").runs(), "a gap at each value a log axis cannot show");
    assertEquals(List.of("0.001", "0.01", "0.1", "1"), c.yTicks.stream().map(ChartReader.Tick::label).toList());
    assertTrue(c.legend.isEmpty(), "no legend for a single series");
  }

  @Test
  void aLogXAxisLeavesOutValuesThatAreNotPositive() {
    double[] x = {0, 1e-5, 1e-3, 0.1};
    double[] y = {1, 2, 3, 2.5};
    ChartReader c = read(new SvgChart("lr", "Loss", "lr", false).logX().add("loss", x, y, "#111111", 1, true), "lr");
    c.assertAxesSound(true, false);
    c.assertPlots("loss", x, y, true, false);
    assertEquals(List.of("1e-5", "1e-4", "0.001", "0.01", "0.1"), c.xTicks.stream().map(ChartReader.Tick::label).toList());
    assertEquals(3, c.markers.size(), "no marker for lr 0");
  }

  @Test
  void aSinglePointOrAFlatSeriesStillGetsTwoTicksOnEachAxis() {
    for (double level : new double[] {2, 0, -3}) {
      double[] x = {5, 6, 7};
      double[] y = {level, level, level};
      ChartReader flat = read(new SvgChart("f", "Flat", "step", false).add("s", x, y, "#111111", 1, false), "f");
      flat.assertAxesSound(false, false);
      flat.assertPlots("s", x, y, false, false);
    }
    ChartReader one = read(new SvgChart("o", "One", "epoch", false).add("s", new double[] {5}, new double[] {2}, "#1", 1, true), "o");
    one.assertAxesSound(false, false);
    one.assertPlots("s", new double[] {5}, new double[] {2}, false, false);
    assertEquals(List.of(5.0, 6.0), one.xTicks.stream().map(ChartReader.Tick::value).toList(), "one epoch: an axis from it to the next");
  }

  @Test
  void fractionalXGetsFractionalTicksThatHugTheData() {
    double[] x = {0.1, 0.25, 0.4};
    double[] y = {1, 2, 3};
    ChartReader c = read(new SvgChart("d", "Dropout", "rate", false).add("s", x, y, "#111111", 0, true), "d");
    c.assertAxesSound(false, false);
    c.assertPlots("s", x, y, false, false);
    List<double[]> v = c.series("s").vertices();
    double axis = c.xTicks.get(c.xTicks.size() - 1).pixel() - c.xTicks.get(0).pixel();
    assertTrue(v.get(2)[0] - v.get(0)[0] > 0.5 * axis, "the data spans most of the axis, not a corner of 0..1");
  }

  @Test
  void noPlottableValueSaysNoData() {
    ChartReader nan = read(new SvgChart("e", "Empty", "step", false).add("s", new double[] {1, 2}, new double[] {NaN, NaN}, "#1", 1, false), "e");
    assertTrue(nan.empty && nan.series.isEmpty() && nan.xTicks.isEmpty(), nan.svg);
    ChartReader log = read(new SvgChart("e", "Empty", "step", true).add("s", new double[] {1, 2}, new double[] {0, -1}, "#1", 1, false), "e");
    assertTrue(log.empty && log.series.isEmpty(), log.svg);
    ChartReader logX = read(new SvgChart("e", "Empty", "lr", false).logX().add("s", new double[] {0, -1}, new double[] {1, 2}, "#1", 1, false), "e");
    assertTrue(logX.empty && logX.series.isEmpty(), logX.svg);
  }

  @Test
  void theLegendListsEverySeriesLeftToRightWithoutOverlap() {
    double[] x = {1, 2};
    ChartReader c = read(new SvgChart("l", "Legend", "step", false)
        .add("a long series name", x, new double[] {1, 2}, "#111111", 0.3, false)
        .add("<b>", x, new double[] {2, 1}, "#222222", 0, true)
        .add("third", x, new double[] {1, 1}, "#333333", 1, false), "l");
    assertEquals(List.of("a long series name", "<b>", "third"), c.legend.stream().map(ChartReader.LegendEntry::text).toList());
    assertEquals(0.3, c.legend.get(0).opacity(), 1e-9);
    assertEquals(1, c.legend.get(1).opacity(), 1e-9, "a scatter's swatch is solid, not invisible");
    for (int i = 1; i < c.legend.size(); i++) {
      ChartReader.LegendEntry prev = c.legend.get(i - 1);
      // 11 px text is at least about 5.5 px per character wide
      assertTrue(c.legend.get(i).swatchX() >= prev.textX() + 5.5 * prev.text().length(), "entry " + i + " overlaps the one before");
      assertTrue(c.legend.get(i).textX() > c.legend.get(i).swatchX());
    }
  }

  @Test
  void ticksAreOneTwoOrFiveTimesAPowerOfTenAboutAFifthOfTheRangeApart() {
    assertArrayEquals(new double[] {0, 2, 4, 6, 8}, SvgChart.linearTicks(0, 7.5, 0), 1e-12); // a fifth: 1.5
    assertArrayEquals(new double[] {0, 1, 2, 3, 4, 5, 6, 7}, SvgChart.linearTicks(0, 7, 0), 1e-12); // 1.4
    assertArrayEquals(new double[] {0, 5, 10, 15, 20}, SvgChart.linearTicks(0, 17.5, 0), 1e-12); // 3.5
    assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10, 12, 14, 16, 18}, SvgChart.linearTicks(0, 17, 0), 1e-12); // 3.4
    assertArrayEquals(new double[] {0, 10, 20, 30, 40}, SvgChart.linearTicks(0, 37.5, 0), 1e-12); // 7.5
    assertArrayEquals(new double[] {0, 5, 10, 15, 20, 25, 30, 35, 40}, SvgChart.linearTicks(0, 37, 0), 1e-12); // 7.4
    assertArrayEquals(new double[] {0, 0.5, 1, 1.5, 2, 2.5}, SvgChart.linearTicks(0, 2.5, 0), 1e-12); // a fifth: 5 x 0.1
    assertArrayEquals(new double[] {0, 1, 2, 3, 4}, SvgChart.linearTicks(0, 4, 0), 1e-12); // 8 x 0.1
    assertArrayEquals(new double[] {0, 50, 100, 150, 200, 250}, SvgChart.linearTicks(0, 250, 0), 1e-12); // 5 x 10
    assertArrayEquals(new double[] {100, 100.2, 100.4, 100.6, 100.8, 101}, SvgChart.linearTicks(100, 101, 0), 1e-9);
    assertArrayEquals(new double[] {-3, -2, -1, 0}, SvgChart.linearTicks(-3, -1e-9, 1), 1e-12);
    assertArrayEquals(new double[] {1, 2, 3}, SvgChart.linearTicks(1, 3, 1), 1e-12, "epochs: never half an epoch");
    assertArrayEquals(new double[] {1e-3, 1e-2, 1e-1}, SvgChart.logTicks(1e-3, 0.1), 1e-15);
    assertArrayEquals(new double[] {1, 10}, SvgChart.logTicks(1, 1), 1e-15, "one value: a decade above it");
    assertArrayEquals(new double[] {1, 10}, SvgChart.logTicks(2, 3), 1e-15);
  }

  @Test
  void labelsAreShortPlainNumbersOrPowersOfTen() {
    assertEquals("0", SvgChart.label(0));
    assertEquals("1e5", SvgChart.label(1e5));
    assertEquals("-2.5e6", SvgChart.label(-2.5e6));
    assertEquals("99,999", SvgChart.label(99_999));
    assertEquals("1,000", SvgChart.label(1000));
    assertEquals("999.5", SvgChart.label(999.5));
    assertEquals("0.001", SvgChart.label(1e-3));
    assertEquals("9.9e-4", SvgChart.label(9.9e-4));
    assertEquals("1.5e-12", SvgChart.label(1.5e-12));
    assertEquals("-0.25", SvgChart.label(-0.25));
    assertEquals("12", SvgChart.label(12));
  }

  @Test
  void longSeriesAreAveragedInBucketsSkippingMissingValues() {
    double[] x = new double[3000];
    double[] y = new double[3000];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
      y[i] = 2 * i;
    }
    y[4] = NaN; // bucket 1 is steps 3, 4, 5
    y[6] = y[7] = y[8] = NaN; // bucket 2 has no value at all
    double[][] d = SvgChart.averageDown(x, y, 1000);
    assertEquals(1000, d[0].length);
    assertEquals(1, d[0][0], 0);
    assertEquals(2, d[1][0], 0);
    assertEquals(4, d[0][1], 0, "x of the values that count");
    assertEquals(8, d[1][1], 0);
    assertEquals(6, d[0][2], 0, "an empty bucket keeps its first x");
    assertTrue(Double.isNaN(d[1][2]), "and has no value");
    assertEquals(2998, d[0][999], 0);
    assertEquals(5996, d[1][999], 0);
    assertArrayEquals(Arrays.copyOf(y, 1000), SvgChart.averageDown(Arrays.copyOf(x, 1000), Arrays.copyOf(y, 1000), 1000)[1]);
    assertEquals(1000, SvgChart.averageDown(Arrays.copyOf(x, 1001), Arrays.copyOf(x, 1001), 1000)[0].length);
  }
}
