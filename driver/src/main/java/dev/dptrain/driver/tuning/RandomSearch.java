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
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hyperparameter search (note 003): random search, coarse then fine — {@code coarseTrials} short
 * runs ({@code coarseEpochs}) with values drawn from the whole space, then the remaining trials full
 * length ({@code train.epochs}) with values drawn around the best coarse trial — or, for comparison,
 * a full grid. Each trial is a complete run of the trainer on the cached data, scored on the
 * held-out data by the best epoch's metric; a trial that diverges scores worst and the search goes
 * on. The trials of a phase do not depend on each other (the fine phase centres on the best coarse
 * trial, not on the fine trials so far), so {@code parallel} of them can run at once, and a trial's
 * values and score never depend on which trials ran beside it or finished first.
 */
public final class RandomSearch {
  private RandomSearch() {}

  /** Trains trial {@code trial}'s config for {@code epochs} epochs; returns the validation of every epoch. */
  public interface TrialRunner {
    List<Evaluation> run(int trial, Config trialConfig, int epochs);

    /** Stops trial {@code trial}'s work at once (another trial failed); by default nothing. */
    default void cancel(int trial) {}
  }

  /** What the search reports as it goes (called from the trials' threads, one call at a time). */
  public interface Progress {
    /** A trial starts. */
    default void started(int trial, String phase, Map<String, Object> values, int epochs) {}

    /** A trial finished; {@code done}: every finished trial so far, in trial order. */
    default void finished(Trial trial, List<Trial> done) {}
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

  /** Runs the whole search, {@code parallel} trials at a time; returns the trials in trial order. */
  public static List<Trial> run(SearchConfig sc, Config base, int trainEpochs, TrialRunner runner, int parallel,
                                Progress progress) {
    List<Trial> done = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "dptrain-search-trial");
      t.setDaemon(true);
      return t;
    });
    try {
      if (sc.grid()) {
        List<Planned> grid = new ArrayList<>();
        for (Map<String, Object> v : sc.space().grid(sc.gridPoints())) grid.add(new Planned(grid.size(), "grid", v, trainEpochs));
        runPhase(sc, base, grid, runner, pool, progress, done);
        return done;
      }
      List<Planned> coarse = new ArrayList<>();
      for (int t = 0; t < sc.coarseTrials(); t++) coarse.add(new Planned(t, "coarse", sc.space().sample(sc.seed(), t), sc.coarseEpochs()));
      runPhase(sc, base, coarse, runner, pool, progress, done);
      Trial best = best(done);
      List<Planned> fine = new ArrayList<>();
      for (int t = sc.coarseTrials(); t < sc.trials(); t++) {
        fine.add(new Planned(t, "fine", best.score() == Double.NEGATIVE_INFINITY ? sc.space().sample(sc.seed(), t)
            : sc.space().around(best.values(), sc.seed(), t), trainEpochs));
      }
      runPhase(sc, base, fine, runner, pool, progress, done);
      return done;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A trial to run: its index, phase, values and length. */
  private record Planned(int index, String phase, Map<String, Object> values, int epochs) {}

  /**
   * Runs the trials of one phase on the pool and waits for all of them; the first trial that fails
   * (other than by diverging) cancels the others and its failure is rethrown.
   */
  private static void runPhase(SearchConfig sc, Config base, List<Planned> trials, TrialRunner runner,
                               ExecutorService pool, Progress progress, List<Trial> done) {
    CompletionService<Trial> finished = new ExecutorCompletionService<>(pool);
    List<Future<Trial>> futures = new ArrayList<>();
    for (Planned p : trials) {
      futures.add(finished.submit(() -> {
        synchronized (done) {
          progress.started(p.index(), p.phase(), p.values(), p.epochs());
        }
        Trial t = trial(sc, base, p.index(), p.phase(), p.values(), p.epochs(), runner);
        synchronized (done) {
          done.add(t);
          done.sort(Comparator.comparingInt(Trial::index));
          progress.finished(t, List.copyOf(done));
        }
        return t;
      }));
    }
    for (int i = 0; i < trials.size(); i++) {
      try {
        finished.take().get(); // the first failure, whichever trial it is
      } catch (ExecutionException | InterruptedException e) {
        for (Future<Trial> f : futures) f.cancel(false); // the ones not started never start
        for (Planned p : trials) runner.cancel(p.index()); // the running ones stop
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("the search was interrupted", e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) throw r;
        if (cause instanceof Error err) throw err;
        throw new IllegalStateException(cause);
      }
    }
  }

  private static Trial trial(SearchConfig sc, Config base, int index, String phase, Map<String, Object> values,
                             int epochs, TrialRunner runner) {
    long t0 = System.nanoTime();
    List<Evaluation> epochsSeen;
    String status = "ok";
    try {
      epochsSeen = runner.run(index, SearchConfig.apply(base, values), epochs);
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
