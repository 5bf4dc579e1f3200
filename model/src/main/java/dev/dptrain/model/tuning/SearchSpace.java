package dev.dptrain.model.tuning;

import dev.dptrain.model.Rng;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hyperparameters a search varies and how it samples them (note 003: random search beats grid
 * search, coarse and short first, then fine). Each {@link Param} names a config path and its
 * range: log-uniform (learning rate, weight decay: every decade equally likely), uniform (dropout)
 * or a choice among values (batch size, optimiser, width). A trial's values come from its own
 * seeded stream (search seed, trial index), so any trial can be redrawn alone.
 */
public record SearchSpace(List<Param> params) implements Serializable {
  public enum Kind { LOG_UNIFORM, UNIFORM, CHOICE }

  /**
   * One hyperparameter.
   *
   * @param path the config path it sets, e.g. {@code train.optimizer.lr} or {@code model.layers[2].rate}
   * @param lo lower end (numeric kinds)
   * @param hi upper end (numeric kinds)
   * @param choices the values to choose from (CHOICE)
   */
  public record Param(String path, Kind kind, double lo, double hi, List<Object> choices) implements Serializable {
    public Param {
      if (kind == Kind.CHOICE) {
        if (choices == null || choices.isEmpty()) throw new IllegalArgumentException(path + ": choice needs at least one value");
        choices = List.copyOf(choices);
      } else {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
          throw new IllegalArgumentException(path + ": range needs lo < hi, got [" + lo + ", " + hi + "]");
        }
        if (kind == Kind.LOG_UNIFORM && !(lo > 0)) {
          throw new IllegalArgumentException(path + ": log-uniform range needs lo > 0, got " + lo);
        }
      }
    }

    /** Position of a numeric value in [0, 1] on the parameter's own scale (log for log-uniform). */
    double unit(double v) {
      return kind == Kind.LOG_UNIFORM ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo);
    }

    double fromUnit(double u) {
      return kind == Kind.LOG_UNIFORM ? lo * Math.exp(u * Math.log(hi / lo)) : lo + u * (hi - lo);
    }

    /** Whether a value lies in the outer {@value #EDGE} of the range on its scale (the range may be too narrow). */
    public boolean atEdge(Object value) {
      if (kind == Kind.CHOICE) return false;
      double u = unit(((Number) value).doubleValue());
      return u < EDGE || u > 1 - EDGE;
    }

    public String describe() {
      return switch (kind) {
        case LOG_UNIFORM -> String.format(Locale.ROOT, "%s log-uniform [%.3g, %.3g]", path, lo, hi);
        case UNIFORM -> String.format(Locale.ROOT, "%s uniform [%.3g, %.3g]", path, lo, hi);
        case CHOICE -> path + " choice " + choices;
      };
    }
  }

  /** Outer fraction of a range (on its scale) counted as its edge. */
  public static final double EDGE = 0.1;
  /** The fine phase samples within this fraction of each range (on its scale) around the best. */
  public static final double FINE_WIDTH = 0.25;

  public SearchSpace {
    if (params == null || params.isEmpty()) throw new IllegalArgumentException("a search space needs at least one parameter");
    params = List.copyOf(params);
  }

  /** A coarse trial: every parameter drawn from its whole range. */
  public Map<String, Object> sample(long seed, int trial) {
    Rng rng = Rng.derive(seed, 0x5345, trial);
    Map<String, Object> v = new LinkedHashMap<>();
    for (Param p : params) {
      v.put(p.path(), p.kind() == Kind.CHOICE ? p.choices().get(rng.nextInt(p.choices().size()))
          : p.fromUnit(rng.nextDouble()));
    }
    return v;
  }

  /**
   * A fine trial around {@code best}: numeric parameters uniform (on their scale) within
   * ±{@value #FINE_WIDTH}/2 of the range around the best value, clipped to the range; choices keep
   * the best's value.
   */
  public Map<String, Object> around(Map<String, Object> best, long seed, int trial) {
    Rng rng = Rng.derive(seed, 0x4649, trial);
    Map<String, Object> v = new LinkedHashMap<>();
    for (Param p : params) {
      Object b = best.get(p.path());
      if (p.kind() == Kind.CHOICE) {
        v.put(p.path(), b);
      } else {
        double u = p.unit(((Number) b).doubleValue()) + FINE_WIDTH * (rng.nextDouble() - 0.5);
        v.put(p.path(), p.fromUnit(Math.min(1, Math.max(0, u))));
      }
    }
    return v;
  }

  /** A full grid: {@code points} evenly spaced values (on each scale, ends included) per numeric parameter, every choice. */
  public List<Map<String, Object>> grid(int points) {
    if (points < 2) throw new IllegalArgumentException("a grid needs at least 2 points per parameter, got " + points);
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Param p : params) {
      List<Object> values = new ArrayList<>();
      if (p.kind() == Kind.CHOICE) values.addAll(p.choices());
      else for (int i = 0; i < points; i++) values.add(p.fromUnit((double) i / (points - 1)));
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> partial : out) {
        for (Object value : values) {
          Map<String, Object> m = new LinkedHashMap<>(partial);
          m.put(p.path(), value);
          next.add(m);
        }
      }
      out = next;
    }
    return out;
  }
}
