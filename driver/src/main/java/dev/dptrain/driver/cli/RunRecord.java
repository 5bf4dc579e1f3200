package dev.dptrain.driver.cli;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.model.config.Conf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code output.dir/run.properties}: the settings of the run a directory belongs to (every key the
 * config sets, flattened, as written) and its state ({@code started}, {@code finished}). Written
 * atomically when training starts and again when the model is saved. Training a config that
 * differs in a setting that alters the result into a directory holding a run is refused; the
 * settings in {@link #SAFE} may change (docs/config.md, "Resuming").
 */
final class RunRecord {
  static final String FILE = "run.properties";
  private static final String SETTING = "setting.";

  /** Settings that do not change the trained model: more epochs continue the same trajectory. */
  static final Set<String> SAFE = Set.of("train.epochs", "output.dir", "output.log-every", "output.progress",
      "output.checkpoint-every", "spark.master", "spark.channel-port");
  /** Key prefixes that are safe: extra Spark settings (memory, UI, ...); the search block (train ignores it). */
  static final List<String> SAFE_PREFIXES = List.of("spark.conf.", "search.");

  private RunRecord() {}

  static boolean safe(String key) {
    return SAFE.contains(key) || SAFE_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /** Every setting of the config, flattened to {@code block.key = value} (values rendered as HOCON). */
  static Map<String, String> settings(Conf root) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : root.raw().entrySet()) {
      out.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise()));
    }
    return out;
  }

  /** The stored run of {@code dir}: its settings and state, or null when the directory holds no record. */
  record Stored(Map<String, String> settings, String state, String started) {}

  static Stored read(String dir, Configuration hadoop) throws IOException {
    Path p = new Path(dir, FILE);
    FileSystem fs = p.getFileSystem(hadoop);
    if (!fs.exists(p)) return null;
    Properties props = new Properties();
    try (InputStream in = fs.open(p)) {
      props.load(new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (IllegalArgumentException e) {
      throw new Failures.CliFailure(Failures.USAGE, p + ": damaged run record (" + e.getMessage()
          + "); use --new-run to move the directory aside or --force to overwrite the record");
    }
    Map<String, String> s = new TreeMap<>();
    for (String k : props.stringPropertyNames()) {
      if (k.startsWith(SETTING)) s.put(k.substring(SETTING.length()), props.getProperty(k));
    }
    return new Stored(s, props.getProperty("state", "unknown"), props.getProperty("started", "?"));
  }

  static void write(String dir, Configuration hadoop, Map<String, String> settings, String state, String started)
      throws IOException {
    Properties props = new Properties() {
      private static final long serialVersionUID = 1L;

      @Override
      public Set<Map.Entry<Object, Object>> entrySet() { // sorted, so the file reads well and diffs cleanly
        Set<Map.Entry<Object, Object>> sorted = new java.util.TreeSet<>(
            java.util.Comparator.comparing((Map.Entry<Object, Object> e) -> e.getKey().toString()));
        sorted.addAll(super.entrySet());
        return sorted;
      }
    };
    props.setProperty("state", state);
    props.setProperty("started", started);
    props.setProperty("updated", Instant.now().toString());
    settings.forEach((k, v) -> props.setProperty(SETTING + k, v));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    props.store(bytes, "dptrain run record: the config this directory belongs to (see README, When things go wrong)");
    Path p = new Path(dir, FILE);
    AtomicFiles.write(p.getFileSystem(hadoop), p, bytes.toByteArray());
  }

  /** {@code key: old -> new} for every setting that differs and is not safe to change. */
  static List<String> differences(Map<String, String> stored, Map<String, String> now) {
    Set<String> keys = new TreeSet<>(stored.keySet());
    keys.addAll(now.keySet());
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String a = stored.get(k);
      String b = now.get(k);
      if (safe(k) || (a != null && a.equals(b))) continue;
      out.add(k + ": " + (a == null ? "(not set)" : a) + " -> " + (b == null ? "(not set)" : b));
    }
    return out;
  }

  /** Files of a run in {@code dir} (for a directory without a record); empty when there are none. */
  static List<String> runFiles(String dir, Configuration hadoop) throws IOException {
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(hadoop);
    List<String> out = new ArrayList<>();
    for (String n : List.of("metrics.jsonl", "model", "checkpoints")) {
      if (fs.exists(new Path(d, n))) out.add(n);
    }
    return out;
  }
}
