package dev.dptrain.driver.tuning;

import com.typesafe.config.Config;
import dev.dptrain.driver.metrics.JsonLine;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hyperparameter search (note 003): random search, coarse then fine — {@code coarseTrials} short
 * runs ({@code coarseEpochs}) with values drawn from the whole space, then the remaining trials full
 * length ({@code train.epochs}) with values drawn around the best coarse trial — or, for comparison,
 * a full grid. Trials run one after another, each a complete run of the trainer on the cached data,
 * scored on the held-out data by the best epoch's metric. A trial that diverges scores worst and
 * the search goes on.
 */
public final class RandomSearch {
  private RandomSearch() {}

  /** Trains one trial's config for {@code epochs} epochs; returns the validation of every epoch. */
  @FunctionalInterface
  public interface TrialRunner {
    List<Evaluation> run(Config trialConfig, int epochs);
  }

  /**
   * One finished trial.
   *
   * @param value the metric at the best epoch (NaN when the trial diverged)
   * @param bestEpoch that epoch, 1-based (0 when diverged)
   */
  public record Trial(int index, String phase, Map<String, Object> values, int epochs, EarlyStopping.Metric metric,
                      double value, int bestEpoch, String status, double seconds) {
    /** Higher is better; a diverged trial is the worst. */
    public double score() {
      return Double.isNaN(value) ? Double.NEGATIVE_INFINITY : metric.score(value);
    }

    public String json() {
      JsonLine params = new JsonLine();
      for (Map.Entry<String, Object> e : values.entrySet()) {
        if (e.getValue() instanceof Number n) params.put(e.getKey(), n.doubleValue());
        else params.put(e.getKey(), String.valueOf(e.getValue()));
      }
      return new JsonLine().put("trial", index).put("phase", phase).put("epochs", epochs).putRaw("params", params.toString())
          .put("metric", metric.configName()).put("value", value).put("best_epoch", bestEpoch).put("status", status)
          .put("time_s", seconds).toString();
    }

    public String describe() {
      StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "trial %d (%s, %d epochs):", index, phase, epochs));
      for (Map.Entry<String, Object> e : values.entrySet()) {
        sb.append(' ').append(e.getKey()).append('=');
        sb.append(e.getValue() instanceof Double d ? String.format(Locale.ROOT, "%.4g", d) : e.getValue());
      }
      return sb.append(String.format(Locale.ROOT, " -> %s %.4f (epoch %d)%s", metric.configName(), value, bestEpoch,
          status.equals("ok") ? "" : " " + status)).toString();
    }
  }

  /** Runs the whole search; {@code afterEach} sees the trials so far after every trial (to save them). */
  public static List<Trial> run(SearchConfig sc, Config base, int trainEpochs, TrialRunner runner,
                                Consumer<List<Trial>> afterEach) {
    List<Trial> done = new ArrayList<>();
    if (sc.grid()) {
      for (Map<String, Object> v : sc.space().grid(sc.gridPoints())) {
        done.add(trial(sc, base, done.size(), "grid", v, trainEpochs, runner));
        afterEach.accept(done);
      }
      return done;
    }
    for (int t = 0; t < sc.trials(); t++) {
      boolean coarse = t < sc.coarseTrials();
      Trial best = coarse ? null : best(done);
      Map<String, Object> v = coarse || best.score() == Double.NEGATIVE_INFINITY ? sc.space().sample(sc.seed(), t)
          : sc.space().around(best.values(), sc.seed(), t);
      done.add(trial(sc, base, t, coarse ? "coarse" : "fine", v, coarse ? sc.coarseEpochs() : trainEpochs, runner));
      afterEach.accept(done);
    }
    return done;
  }

  private static Trial trial(SearchConfig sc, Config base, int index, String phase, Map<String, Object> values,
                             int epochs, TrialRunner runner) {
    long t0 = System.nanoTime();
    List<Evaluation> epochsSeen;
    String status = "ok";
    try {
      epochsSeen = runner.run(SearchConfig.apply(base, values), epochs);
    } catch (ArithmeticException e) { // the Stepper's "the loss diverged"
      epochsSeen = List.of();
      status = "diverged";
    }
    double bestScore = Double.NEGATIVE_INFINITY;
    int bestEpoch = 0;
    for (int e = 0; e < epochsSeen.size(); e++) {
      double s = sc.metric().score(epochsSeen.get(e));
      if (s > bestScore) {
        bestScore = s;
        bestEpoch = e + 1;
      }
    }
    double value = bestEpoch == 0 ? Double.NaN : sc.metric().value(bestScore);
    return new Trial(index, phase, values, epochs, sc.metric(), value, bestEpoch, status, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * The best trial: of the full-length phase when there is one (short coarse runs score lower and
   * are not comparable), else of all.
   */
  public static Trial best(List<Trial> trials) {
    List<Trial> full = trials.stream().filter(t -> !t.phase().equals("coarse")).toList();
    return (full.isEmpty() ? trials : full).stream().max(Comparator.comparingDouble(Trial::score)).orElseThrow();
  }

  /** One warning per parameter whose best value lies at the edge of its range. */
  public static List<String> edgeWarnings(SearchSpace space, Trial best) {
    List<String> out = new ArrayList<>();
    for (SearchSpace.Param p : space.params()) {
      Object v = best.values().get(p.path());
      if (p.atEdge(v)) {
        out.add(String.format(Locale.ROOT, "the best %s = %.4g lies at the edge of its range (%s): widen the range",
            p.path(), ((Number) v).doubleValue(), p.describe()));
      }
    }
    return out;
  }
}
