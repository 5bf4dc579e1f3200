package dev.dptrain.driver.tuning;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.tuning.SearchSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The config's {@code search} block (docs/config.md, "search"): the space, the method (random:
 * coarse then fine; grid: for comparison), the trial budget, the coarse runs' length, the score.
 * Every trial is the run's config with the sampled values set at their paths ({@link #apply}).
 *
 * @param coarseTrials random search: trials sampled from the whole space, each {@code coarseEpochs} long;
 *     the remaining {@code trials - coarseTrials} sample around the best and train {@code train.epochs}
 * @param folds 0 = score on the held-out test data; k &ge; 2 = k-fold cross-validation over the
 *     training partitions ({@link Folds})
 * @param parallelTrials trials run at once; 0 = auto (as many as the task slots allow, see {@link SparkSearch})
 * @param trialPartitions partitions the search reads the data into, each trial's; 0 = spark.partitions
 */
public record SearchConfig(SearchSpace space, boolean grid, int trials, int coarseTrials, int coarseEpochs,
                           int gridPoints, EarlyStopping.Metric metric, long seed, int folds, int parallelTrials,
                           int trialPartitions) {
  public static SearchConfig parse(Conf s) {
    boolean grid = s.oneOf("method", "random", "random", "grid").equals("grid");
    int trials = (int) s.integer("trials", 20, 1, 100_000);
    int coarse = (int) s.integer("coarse-trials", (trials + 1) / 2, 1, trials);
    int coarseEpochs = (int) s.integer("coarse-epochs", 1, 1, 1_000_000);
    int points = (int) s.integer("grid-points", 5, 2, 1000);
    EarlyStopping.Metric metric = EarlyStopping.Metric.parse(
        s.oneOf("metric", "validation-accuracy", "validation-accuracy", "validation-loss"));
    long seed = s.integer("seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
    int folds = (int) s.integer("folds", 0, 0, 1000);
    if (folds == 1) throw s.error("folds", "0 (holdout on the test data) or k >= 2 (k-fold cross-validation)", 1);
    String parallel = s.string("parallel-trials", "auto");
    int parallelTrials = parallel.equals("auto") ? 0 : positive(parallel);
    if (parallelTrials < 0) throw s.error("parallel-trials", "auto or a positive integer", "'" + parallel + "'");
    int trialPartitions = (int) s.integer("trial-partitions", 0, 1, 100_000);
    List<SearchSpace.Param> params = new ArrayList<>();
    for (Conf p : s.objectList("space")) params.add(param(p));
    s.finish();
    if (params.isEmpty()) throw s.error("space", "at least one parameter { path = ..., log-uniform = [lo, hi] }", "[]");
    return new SearchConfig(new SearchSpace(params), grid, trials, coarse, coarseEpochs, points, metric, seed, folds,
        parallelTrials, trialPartitions);
  }

  /** A positive integer, or -1. */
  private static int positive(String v) {
    try {
      int n = Integer.parseInt(v.trim());
      return n >= 1 ? n : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static final Pattern PATH = Pattern.compile("(train|model)(\\.[a-z0-9-]+(\\[\\d+\\])?)+");

  private static SearchSpace.Param param(Conf p) {
    String path = p.string("path");
    if (!PATH.matcher(path).matches()) {
      throw p.error("path", "a path under train. or model. (e.g. train.optimizer.lr, model.layers[2].rate)", path);
    }
    List<String> kinds = new ArrayList<>();
    for (String k : List.of("log-uniform", "uniform", "choice")) if (p.has(k)) kinds.add(k);
    if (kinds.size() != 1) throw p.error("path", "exactly one of log-uniform, uniform, choice for " + path, kinds);
    String kind = kinds.get(0);
    SearchSpace.Param param;
    try {
      if (kind.equals("choice")) {
        List<Object> values = new ArrayList<>();
        for (ConfigValue v : p.raw().getList(kind)) values.add(v.unwrapped());
        param = new SearchSpace.Param(path, SearchSpace.Kind.CHOICE, 0, 0, values);
      } else {
        List<Double> range = p.raw().getDoubleList(kind);
        if (range.size() != 2) throw p.error(kind, "[lo, hi]", p.raw().getValue(kind).render());
        param = new SearchSpace.Param(path, kind.equals("uniform") ? SearchSpace.Kind.UNIFORM : SearchSpace.Kind.LOG_UNIFORM,
            range.get(0), range.get(1), null);
      }
    } catch (ConfigException e) {
      throw p.error(kind, kind.equals("choice") ? "a list of values" : "[lo, hi]", p.raw().getValue(kind).render());
    } catch (IllegalArgumentException e) {
      if (e instanceof Conf.ConfigError c) throw c;
      throw p.error(kind, "a valid range", e.getMessage());
    }
    p.finish();
    return param;
  }

  /** The run's config with every {@code path → value} set (a path may index a list: {@code model.layers[2].rate}). */
  public static com.typesafe.config.Config apply(com.typesafe.config.Config base, Map<String, Object> values) {
    ConfigObject root = base.root();
    for (Map.Entry<String, Object> e : values.entrySet()) {
      root = (ConfigObject) set(root, e.getKey().split("\\."), 0, e.getValue(), e.getKey());
    }
    return root.toConfig();
  }

  private static final Pattern INDEXED = Pattern.compile("([a-z0-9-]+)(?:\\[(\\d+)\\])?");

  private static ConfigValue set(ConfigValue node, String[] keys, int k, Object value, String path) {
    if (k == keys.length) return ConfigValueFactory.fromAnyRef(value, "search");
    Matcher m = INDEXED.matcher(keys[k]);
    if (!m.matches()) throw new Conf.ConfigError("search.space: path " + path + ": bad element " + keys[k]);
    ConfigObject obj = node == null ? ConfigValueFactory.fromMap(Map.of())
        : node instanceof ConfigObject o ? o : null;
    if (obj == null) throw new Conf.ConfigError("search.space: path " + path + ": " + keys[k - 1] + " is not an object");
    ConfigValue child = obj.get(m.group(1));
    if (m.group(2) != null) {
      int i = Integer.parseInt(m.group(2));
      if (!(child instanceof ConfigList list) || i >= list.size()) {
        throw new Conf.ConfigError("search.space: path " + path + ": " + m.group(1) + " has no element " + i);
      }
      List<ConfigValue> items = new ArrayList<>(list);
      items.set(i, set(items.get(i), keys, k + 1, value, path));
      return obj.withValue(m.group(1), ConfigValueFactory.fromIterable(items));
    }
    return obj.withValue(m.group(1), set(child, keys, k + 1, value, path));
  }
}
