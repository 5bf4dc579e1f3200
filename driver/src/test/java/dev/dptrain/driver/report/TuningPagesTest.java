package dev.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.tuning.RandomSearch;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.tuning.LrRangeTest;
import dev.dptrain.model.tuning.SearchSpace;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** lr-find.html, search.html and check.html: the charts plot the results on the parameters' own scales. */
class TuningPagesTest {
  @Test
  void lrFindPlotsLossAgainstALogLearningRateAxisWithTheSuggestionAcrossTheSmoothedRange() {
    double[] lr = {1e-5, 1e-4, 1e-3, 1e-2, 1e-1};
    double[] loss = {2.3, 2.2, 1.5, 0.9, 7};
    double[] smoothed = {2.3, 2.25, 1.9, 1.4, Double.POSITIVE_INFINITY};
    LrRangeTest.Result r = new LrRangeTest.Result(lr, loss, smoothed, 1e-2, 3e-3, "diverged");
    String html = TuningPages.lrFind(r, "runs/<x>/lr-find.jsonl");
    assertTrue(html.contains("<p class=\"sub\">runs/&lt;x&gt;/lr-find.jsonl</p>"), "the source, escaped");
    assertTrue(html.contains(r.describe()), "the test's outcome in words");
    ChartReader c = ChartReader.of(html, "chart-lr-find");
    assertEquals("learning rate (log scale)", c.xLabel);
    c.assertAxesSound(true, false);
    c.assertPlots("loss", lr, loss, true, false);
    c.assertPlots("smoothed", lr, smoothed, true, false);
    // a vertical line at the suggestion from the lowest to the highest finite smoothed loss
    c.assertPlots("suggested 0.00300", new double[] {3e-3, 3e-3}, new double[] {1.4, 2.3}, true, false);
  }

  private static RandomSearch.Trial trial(int i, String phase, double lr, String act, double loss) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("train.optimizer.lr", lr);
    v.put("model.layers[1].activation", act);
    return new RandomSearch.Trial(i, phase, v, 2, EarlyStopping.Metric.VALIDATION_LOSS, loss, 2, "ok", 1.5);
  }

  @Test
  void searchPlotsEachPhasesScoresAgainstEachParameterOnItsOwnScale() {
    SearchSpace space = new SearchSpace(List.of(
        new SearchSpace.Param("train.optimizer.lr", SearchSpace.Kind.LOG_UNIFORM, 1e-4, 1, null),
        new SearchSpace.Param("model.layers[1].activation", SearchSpace.Kind.CHOICE, 0, 0, List.of("relu", "tanh", "gelu"))));
    List<RandomSearch.Trial> trials = List.of(
        trial(0, "coarse", 0.1, "tanh", 0.9), trial(1, "coarse", 1e-3, "relu", 0.7), trial(2, "coarse", 0.5, "gelu", 1.4),
        trial(3, "fine", 2e-4, "relu", 0.4), trial(4, "fine", 1e-3, "tanh", 0.5));
    String html = TuningPages.search(trials, space, "search.jsonl");
    assertTrue(html.contains("<p>5 trials. Best: " + Html.escape(trials.get(3).describe()) + "</p>"), "the best full-length trial");
    assertTrue(html.contains("<b>Warning:</b> the best train.optimizer.lr = 0.0002000 lies at the edge of its range"), html);
    for (RandomSearch.Trial t : trials) assertTrue(html.contains(Html.escape(t.describe()) + "\n"), "every trial listed");

    ChartReader lr = ChartReader.of(html, "chart-train-optimizer-lr");
    assertEquals("validation-loss against train.optimizer.lr", lr.title);
    assertEquals("train.optimizer.lr (log scale)", lr.xLabel);
    lr.assertAxesSound(true, false);
    // each phase's trials in order of the parameter, as markers only
    lr.assertPlots("coarse", new double[] {1e-3, 0.1, 0.5}, new double[] {0.7, 0.9, 1.4}, true, false);
    lr.assertPlots("fine", new double[] {2e-4, 1e-3}, new double[] {0.4, 0.5}, true, false);
    assertEquals(0, lr.series("coarse").opacity(), "a scatter: no line");
    assertEquals(5, lr.markers.size());
    assertTrue(!lr.series("coarse").color().equals(lr.series("fine").color()), "one colour per phase");

    ChartReader act = ChartReader.of(html, "chart-model-layers-1-activation");
    assertEquals("validation-loss against model.layers[1].activation [relu, tanh, gelu]", act.title);
    assertEquals("model.layers[1].activation (index of the choice)", act.xLabel);
    act.assertAxesSound(false, false);
    act.assertPlots("coarse", new double[] {0, 1, 2}, new double[] {0.7, 0.9, 1.4}, false, false);
    act.assertPlots("fine", new double[] {0, 1}, new double[] {0.4, 0.5}, false, false);
  }

  @Test
  void checkPageListsTheChecksOfCheckJsonl() {
    String jsonl = "{\"type\":\"check\",\"check\":\"initial-loss\",\"passed\":true,\"value\":2.31,\"expected\":\"about 2.3\","
        + "\"measured\":\"initial loss 2.31\",\"meaning\":\"a neutral start\"}\n\n"
        + "{\"type\":\"check\",\"check\":\"overfit-one-batch\",\"passed\":true,\"value\":0.001,\"expected\":\"< 0.05\","
        + "\"measured\":\"loss 0.001\",\"meaning\":\"the model can learn\"}\n";
    String html = TuningPages.checks(jsonl, "runs/a/check.jsonl");
    assertTrue(html.contains("<title>dptrain check</title>") && html.contains("<h1>Sanity checks</h1>"), html);
    assertTrue(html.contains("All 2 checks passed."), html);
    assertTrue(html.contains("<tr class=\"pass\"><td>overfit-one-batch</td><td>PASS</td><td>0.001000</td><td>&lt; 0.05</td>"), html);
  }
}
