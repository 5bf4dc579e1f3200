package dev.dptrain.driver;

import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.config.TrainConfigParser;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.train.TrainSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A whole run as read from a config file: {@code model}, {@code train}, {@code data},
 * {@code spark} and {@code output} blocks (keys and defaults in docs/config.md).
 */
public record RunConfig(NetworkSpec network, TrainSpec train, Data data, Spark spark, Output output, String source) {
  /** IDX files (any Hadoop path) and input standardisation. */
  public record Data(String format, String trainImages, String trainLabels, String testImages,
                     String testLabels, Standardizer.Mode standardize, boolean perChannel, int limit) {}

  public record Spark(String master, int partitions, int treeDepth, int preciseBnBatches, Map<String, String> conf) {}

  /** @param progress console progress: {@code auto}, {@code bar}, {@code lines} or {@code off} */
  public record Output(String dir, long checkpointEvery, int logEvery, String progress) {}

  public static RunConfig parse(Conf root, String source) {
    NetworkSpec net = NetworkConfigParser.parse(root.object("model"));
    TrainSpec train = TrainConfigParser.parse(root.object("train"), net.input());
    Conf d = root.object("data");
    String format = d.oneOf("format", "idx", "idx");
    Data data = new Data(format, d.string("train-images"), d.string("train-labels"),
        d.string("test-images", null), d.string("test-labels", null),
        Standardizer.Mode.parse(d.oneOf("standardize", "center", "none", "center", "standardize")),
        d.bool("per-channel", false), (int) d.integer("limit", 0, 0, Integer.MAX_VALUE));
    if ((data.testImages() == null) != (data.testLabels() == null)) {
      throw d.error(data.testImages() == null ? "test-images" : "test-labels",
          "test-images and test-labels together", "only one of them");
    }
    d.finish();
    Conf s = root.object("spark");
    Map<String, String> extra = new LinkedHashMap<>();
    Conf sc = s.object("conf");
    for (var e : sc.raw().entrySet()) extra.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    Spark spark = new Spark(s.string("master", "local[2]"), (int) s.integer("partitions", 2, 1, 100_000),
        (int) s.integer("tree-depth", 1, 1, 10), (int) s.integer("precise-bn-batches", 0, 0, 1_000_000), extra);
    s.finish();
    Conf o = root.object("output");
    Output output = new Output(o.string("dir", "runs/latest"), o.integer("checkpoint-every", 0, 0, Long.MAX_VALUE),
        (int) o.integer("log-every", 50, 1, Integer.MAX_VALUE), o.oneOf("progress", "auto", "auto", "bar", "lines", "off"));
    o.finish();
    root.finish();
    return new RunConfig(net, train, data, spark, output, source);
  }
}
