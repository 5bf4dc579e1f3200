package dev.dptrain.model.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Strict reader over one HOCON object: every read names the key it expects, values are checked
 * against ranges, and {@link #finish} rejects keys nobody asked for (a typo is an error, not a
 * silently ignored setting). Messages look like
 * {@code conf/mlp.conf: 12: train.batch-size: expected an integer >= 1, got -5}.
 */
public final class Conf {
  private final Config config;
  private final String path;
  private final Set<String> read = new LinkedHashSet<>();

  public Conf(Config config, String path) {
    this.config = config;
    this.path = path;
  }

  public static Conf parseString(String hocon, String originName) {
    try {
      return new Conf(ConfigFactory.parseString(hocon,
          com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription(originName)).resolve(), "");
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  public static Conf parseFile(java.io.File file) {
    if (!file.isFile()) throw new ConfigError(file + ": config file not found");
    try {
      return new Conf(ConfigFactory.parseFile(file).resolve(), "");
    } catch (ConfigException e) {
      throw new ConfigError(e.getMessage());
    }
  }

  public Config raw() {
    return config;
  }

  private String full(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String where(String key) {
    String origin = config.hasPath(key) ? config.getValue(key).origin().description() : config.origin().description();
    return origin + ": " + full(key);
  }

  public ConfigError error(String key, String expected, Object got) {
    return new ConfigError(where(key) + ": expected " + expected + ", got " + got);
  }

  public boolean has(String key) {
    read.add(key);
    return config.hasPath(key);
  }

  private ConfigValue value(String key) {
    read.add(key);
    if (!config.hasPath(key)) throw new ConfigError(where(key) + ": required key is missing");
    return config.getValue(key);
  }

  public String string(String key) {
    ConfigValue v = value(key);
    if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
      throw error(key, "a string", v.render());
    }
    return String.valueOf(v.unwrapped());
  }

  public String string(String key, String def) {
    return has(key) ? string(key) : def;
  }

  public String oneOf(String key, String def, String... allowed) {
    String v = string(key, def);
    for (String a : allowed) if (a.equalsIgnoreCase(v)) return a;
    throw error(key, "one of " + String.join(", ", allowed), "'" + v + "'");
  }

  public double number(String key, double def, double min, double max) {
    if (!has(key)) return def;
    return number(key, min, max);
  }

  public double number(String key, double min, double max) {
    double d = typed(key, "a number", config::getDouble);
    if (!(d >= min && d <= max)) throw error(key, "a number in [" + min + ", " + max + "]", rendered(key));
    return d;
  }

  public long integer(String key, long def, long min, long max) {
    if (!has(key)) return def;
    return integer(key, min, max);
  }

  public long integer(String key, long min, long max) {
    long l = typed(key, "an integer", config::getLong);
    if (l < min || l > max) {
      throw error(key, max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "an integer >= " + min
          : "an integer in [" + min + ", " + max + "]", rendered(key));
    }
    return l;
  }

  public boolean bool(String key, boolean def) {
    return has(key) ? typed(key, "true or false", config::getBoolean) : def;
  }

  public List<Integer> intList(String key) {
    return typed(key, "a list of integers", config::getIntList);
  }

  /** The required value at {@code key} as {@code get} reads it; a value of another type is an error naming {@code expected}. */
  private <T> T typed(String key, String expected, Function<String, T> get) {
    ConfigValue v = value(key);
    try {
      return get.apply(key);
    } catch (ConfigException e) {
      throw error(key, expected, v.render());
    }
  }

  private String rendered(String key) {
    return config.getValue(key).render();
  }

  /** The object at {@code key}, or an empty object when absent. */
  public Conf object(String key) {
    read.add(key);
    if (!config.hasPath(key)) return new Conf(com.typesafe.config.ConfigFactory.empty(), full(key));
    if (config.getValue(key).valueType() != ConfigValueType.OBJECT) {
      throw error(key, "an object { ... }", config.getValue(key).render());
    }
    return new Conf(config.getConfig(key), full(key));
  }

  public List<Conf> objectList(String key) {
    List<? extends Config> list = typed(key, "a list of objects [ {...}, ... ]", config::getConfigList);
    List<Conf> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) out.add(new Conf(list.get(i), full(key) + "[" + i + "]"));
    return out;
  }

  /** Fails on any top-level key of this object that was never read. */
  public void finish() {
    for (String k : config.root().keySet()) {
      if (!read.contains(k) && !read.contains("\"" + k + "\"")) {
        throw new ConfigError(config.root().get(k).origin().description() + ": " + full(k)
            + ": unknown key; expected one of " + String.join(", ", read));
      }
    }
  }

  /** A configuration error; the message names the file, line, key and the expected value. */
  public static final class ConfigError extends IllegalArgumentException {
    public ConfigError(String message) {
      super(message);
    }
  }
}
