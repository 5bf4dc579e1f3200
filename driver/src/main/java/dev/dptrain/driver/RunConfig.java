package dev.dptrain.driver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.config.TrainConfigParser;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.RunProvenance;
import dev.dptrain.model.train.TrainSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A whole run as read from a config file: {@code model}, {@code train}, {@code data},
 * {@code spark} and {@code output} blocks (keys and defaults in docs/config.md).
 *
 * @param text the whole config as read (includes and substitutions resolved), rendered as JSON
 *             with the values of credential-like keys redacted: what the saved model records
 * @param initFrom {@code train.init-from}: the saved model to warm-start from, or null
 */
public record RunConfig(NetworkSpec network, TrainSpec train, Data data, Spark spark, Output output, String source,
                        String modelConfig, String text, String initFrom) {
  /**
   * {@code standardize} of the Spark ML stages' params (one value for any input); a config's
   * {@code data.standardize} defaults by input instead (see {@link #defaultStandardize}).
   */
  public static final String DEFAULT_STANDARDIZE = "center";

  /** {@code data.standardize} when the config names none: per feature for a vector input, centring for images. */
  public static String defaultStandardize(Shape input) {
    return input.isVector() ? "standardize" : "center";
  }

  /** Keys whose values are not recorded (Hadoop/S3 credentials in {@code spark.conf}, for one). */
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|passwd|token|credential|access[._-]?key|session[._-]?key).*");

  /** The run's provenance for the saved model: this config, the data and the environment now. */
  public RunProvenance provenance(String sparkVersion, long trainExamples, long testExamples) {
    return RunProvenance.now(text, sparkVersion, new RunProvenance.DataOrigin(data.train().format(),
        paths(data.train()), data.test() == null ? List.of() : paths(data.test()), trainExamples, testExamples));
  }

  private static List<String> paths(DataSource d) {
    return d.labels() == null ? List.of(d.path()) : List.of(d.path(), d.labels());
  }

  private static String redactedText(Config config) {
    Config c = config;
    for (var e : config.entrySet()) {
      if (SECRET_KEY.matcher(e.getKey()).matches()) {
        c = c.withValue(e.getKey(), ConfigValueFactory.fromAnyRef("<redacted>"));
      }
    }
    return c.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }

  /**
   * Training and optional test data (any Hadoop path), the input standardisation and how labels
   * become training targets.
   *
   * @param labels            the file's label values in class order ({@code data.labels} as a list);
   *                          empty: labels are class indices, or found when {@code autoLabels}
   * @param autoLabels        {@code data.labels = auto}: the sorted distinct labels of the training data
   * @param standardizeTarget regression: train on (y − mean) / std of the training targets
   */
  public record Data(DataSource train, DataSource test, Standardizer.Mode standardize, boolean perChannel, int limit,
                     LabelValues labels, boolean autoLabels, boolean standardizeTarget) {
    /** Labels as class indices (or regression targets as read). */
    public Data(DataSource train, DataSource test, Standardizer.Mode standardize, boolean perChannel, int limit) {
      this(train, test, standardize, perChannel, limit, LabelValues.INDICES, false, false);
    }
  }

  /** @param transport step transport: {@code auto}, {@code channel}, {@code channel-tcp} or {@code broadcast} */
  public record Spark(String master, int partitions, int treeDepth, int preciseBnBatches, String transport,
                      int channelPort, Map<String, String> conf) {}

  /** @param progress console progress: {@code auto}, {@code bar}, {@code lines} or {@code off} */
  public record Output(String dir, long checkpointEvery, int logEvery, String progress) {}

  public static RunConfig parse(Conf root, String source) {
    NetworkSpec net = NetworkConfigParser.parse(root.object("model"));
    String modelConfig = root.raw().withOnlyPath("model").root().render(ConfigRenderOptions.concise());
    Conf t = root.object("train");
    String initFrom = t.string("init-from", null);
    TrainSpec train = TrainConfigParser.parse(t, net.input());
    Conf d = root.object("data");
    Data data = parseData(d, net.input());
    if (train.earlyStopping() != null && data.test() == null) {
      throw root.error("train.early-stopping", "test data to validate on (data.test, or data.test-images and"
          + " data.test-labels)", "none");
    }
    d.finish();
    Spark spark = parseSpark(root.object("spark"));
    Output output = parseOutput(root.object("output"));
    root.has("search"); // read by dptrain search (driver/tuning/SearchConfig); train ignores it
    root.finish();
    return new RunConfig(net, train, data, spark, output, source, modelConfig, redactedText(root.raw()), initFrom);
  }

  /** The {@code spark} block; an empty one gives the defaults. */
  public static Spark parseSpark(Conf s) {
    Map<String, String> extra = new LinkedHashMap<>();
    Conf sc = s.object("conf");
    // entrySet() keys are path expressions: a quoted key ("spark.authenticate" = true) comes back
    // with its quotes, which Spark would never match; splitPath undoes the quoting.
    for (var e : sc.raw().entrySet()) {
      extra.put(String.join(".", ConfigUtil.splitPath(e.getKey())), String.valueOf(e.getValue().unwrapped()));
    }
    Spark spark = new Spark(s.string("master", "local[2]"), (int) s.integer("partitions", 2, 1, 100_000),
        (int) s.integer("tree-depth", 1, 1, 10), (int) s.integer("precise-bn-batches", 0, 0, 1_000_000),
        s.oneOf("transport", "auto", "auto", "channel", "channel-tcp", "broadcast"),
        (int) s.integer("channel-port", 0, 0, 65_535), extra);
    s.finish();
    return spark;
  }

  /** The {@code output} block; an empty one gives the defaults. */
  public static Output parseOutput(Conf o) {
    Output output = new Output(o.string("dir", "runs/latest"), o.integer("checkpoint-every", 0, 0, Long.MAX_VALUE),
        (int) o.integer("log-every", 50, 1, Integer.MAX_VALUE), o.oneOf("progress", "auto", "auto", "bar", "lines", "off"));
    o.finish();
    return output;
  }

  /** This run warm-started from {@code model} ({@code --init-from}). */
  public RunConfig withInitFrom(String model) {
    return new RunConfig(network, train, data, spark, output, source, modelConfig, text, model);
  }

  /** This run with its output (run record, checkpoints, model) in {@code dir}. */
  public RunConfig withOutputDir(String dir) {
    return new RunConfig(network, train, data, spark,
        new Output(dir, output.checkpointEvery(), output.logEvery(), output.progress()), source, modelConfig, text, initFrom);
  }

  /** This run checkpointing every {@code steps} steps. */
  public RunConfig withCheckpointEvery(long steps) {
    return new RunConfig(network, train, data, spark,
        new Output(output.dir(), steps, output.logEvery(), output.progress()), source, modelConfig, text, initFrom);
  }

  /**
   * The {@code data} block. Defaults follow the input: per-feature standardisation for a vector
   * input (tabular features have unrelated units), per-channel centring for images (pixels share
   * one scale); one place for both defaults.
   */
  private static Data parseData(Conf d, Shape input) {
    String format = d.oneOf("format", "idx", DataSource.FORMATS);
    DataSource train;
    DataSource test;
    if (format.equals("idx")) {
      train = DataSource.idx(d.string("train-images"), d.string("train-labels"));
      String ti = d.string("test-images", null);
      String tl = d.string("test-labels", null);
      if ((ti == null) != (tl == null)) {
        throw d.error(ti == null ? "test-images" : "test-labels", "test-images and test-labels together", "only one of them");
      }
      test = ti == null ? null : DataSource.idx(ti, tl);
    } else {
      boolean csv = format.equals("csv");
      boolean parquet = format.equals("parquet");
      String label = csv ? d.string("label-column", "0") : parquet ? d.string("label-column", "label") : null;
      String features = parquet ? d.string("features-column", "features") : null;
      boolean header = csv && d.bool("header", false);
      String delim = csv ? d.string("delimiter", ",") : ",";
      if (delim.length() != 1) throw d.error("delimiter", "one character", delim);
      train = new DataSource(format, d.string("train"), null, label, features, header, delim.charAt(0));
      String t = d.string("test", null);
      test = t == null ? null : new DataSource(format, t, null, label, features, header, delim.charAt(0));
    }
    Standardizer.Mode mode = Standardizer.Mode.parse(d.oneOf("standardize", defaultStandardize(input),
        "none", "center", "standardize"));
    boolean perChannel = d.bool("per-channel", true);
    int limit = (int) d.integer("limit", 0, 0, Integer.MAX_VALUE);
    boolean autoLabels = false;
    LabelValues labels = LabelValues.INDICES;
    if (d.has("labels")) {
      if (format.equals("idx")) throw d.error("labels", "no labels mapping for idx (its labels are class indices)", "a value");
      ConfigValue v = d.raw().getValue("labels");
      if (v.valueType() == ConfigValueType.LIST) {
        List<String> listed = new java.util.ArrayList<>();
        for (ConfigValue e : (ConfigList) v) {
          if (e.valueType() != ConfigValueType.NUMBER && e.valueType() != ConfigValueType.STRING) {
            throw d.error("labels", "a list of numbers or strings", v.render());
          }
          listed.add(String.valueOf(e.unwrapped()));
        }
        try {
          labels = LabelValues.of(listed);
        } catch (IllegalArgumentException e) {
          throw d.error("labels", "distinct labels", v.render() + " (" + e.getMessage() + ")");
        }
        if (labels.values().size() < 2) throw d.error("labels", "at least 2 labels", v.render());
      } else if (v.valueType() == ConfigValueType.STRING && v.unwrapped().equals("auto")) {
        autoLabels = true;
      } else {
        throw d.error("labels", "auto or a list of labels, e.g. [-1, 1] or [\"no\", \"yes\"]", v.render());
      }
    }
    return new Data(train, test, mode, perChannel, limit, labels, autoLabels, d.bool("standardize-target", false));
  }
}
