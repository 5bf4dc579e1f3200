package dev.dptrain.driver.metrics;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.check.LayerHealth;
import dev.dptrain.model.check.SanityChecks;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Syncable;

/**
 * Writes {@code metrics.jsonl}: one JSON object per line, flushed as written so a crashed run
 * keeps everything up to its last step. Records ({@code type}):
 * <ul>
 *   <li>{@code start}: time, step and epoch the run starts from (non-zero after a resume),
 *       steps_per_epoch, epochs, batch_size, params, layers (the parameterised ones: index,
 *       name, params), config (the config file's text) and summary (the model table);</li>
 *   <li>{@code check}: one per sanity check run before training (right after {@code start}):
 *       check (its name), passed, value (the figure judged, null when there is none), expected
 *       (what passes, with its threshold), measured (in full) and meaning ({@link #checkRecord});</li>
 *   <li>{@code step}: step (steps completed), epoch (1-based), loss, lr, grad_norm,
 *       examples, samples_per_s, wall_ms, compute_ms (slowest task), time_s (since start) and,
 *       every {@code ratioEvery} steps, update_ratio (per layer of {@code start.layers},
 *       ‖Δw‖/‖w‖ of this step), accuracy (classifiers only);</li>
 *   <li>{@code epoch}: epoch (1-based), step, train_loss, validation_loss, then for classifiers
 *       train_accuracy and validation_accuracy (null without validation data), for regression
 *       with validation data validation_mse, validation_rmse, validation_mae, validation_r2
 *       (plain MSE in target units; the losses are the training objective, ½ squared error for
 *       {@code mse}), time_s and, when the trainer measures it, layers_health (per top-level
 *       layer: index, name, activation_rms, gradient_rms, dead_fraction; see {@link LayerHealth}).</li>
 * </ul>
 * A resumed run appends a new {@code start}; readers drop the earlier records it supersedes.
 */
public final class MetricsLog implements TrainingLoop.Listener, Closeable {
  private static final Logger LOG = Logger.getLogger(MetricsLog.class.getName());

  /** What the {@code start} record tells about the run besides the network. */
  public record RunInfo(String configText, long stepsPerEpoch, int epochs, int batchSize) {}

  private final OutputStream out;
  private final Network network;
  private final RunInfo run;
  private final UpdateRatios ratios;
  private final int ratioEvery;
  private final LongSupplier clock;
  /** Whether the start record is written; a flag, not a sentinel time: a nanosecond clock may read negative. */
  private boolean started;
  private long startNanos;
  private TrainingState live;
  private float[] before;
  private boolean failed;
  private List<LayerHealth> health;
  private List<SanityChecks.Result> checks = List.of();

  public MetricsLog(OutputStream out, Network network, RunInfo run, int ratioEvery, LongSupplier clock) {
    this.out = out;
    this.network = network;
    this.run = run;
    this.ratios = new UpdateRatios(network);
    this.ratioEvery = ratioEvery;
    this.clock = clock;
  }

  /** Opens {@code dir/metrics.jsonl} (any Hadoop path) for appending, creating it if needed. */
  public static OutputStream open(String dir, Configuration hadoop) throws IOException {
    Path path = new Path(dir, "metrics.jsonl");
    FileSystem fs = path.getFileSystem(hadoop);
    // The raw local file system: no .crc side file, and append works.
    if (fs instanceof LocalFileSystem local) fs = local.getRawFileSystem();
    fs.mkdirs(path.getParent());
    if (!fs.exists(path)) return fs.create(path, false);
    try {
      return fs.append(path);
    } catch (UnsupportedOperationException | IOException e) {
      // Object stores without append: rewrite the old lines into a new file.
      byte[] old;
      try (var in = fs.open(path)) {
        old = in.readAllBytes();
      }
      OutputStream o = fs.create(path, true);
      o.write(old);
      return o;
    }
  }

  /** The sanity checks run before training, written after the start record (at once if it is written). */
  public void checks(List<SanityChecks.Result> results) {
    checks = List.copyOf(results);
    if (started) writeChecks();
  }

  private void writeChecks() {
    for (SanityChecks.Result r : checks) write(checkRecord(r));
    checks = List.of();
  }

  /** A sanity check's record, as metrics.jsonl and check.jsonl hold it. */
  public static JsonLine checkRecord(SanityChecks.Result r) {
    return new JsonLine().put("type", "check").put("check", r.name()).put("passed", r.passed()).put("value", r.value())
        .put("expected", r.expected()).put("measured", r.measured()).put("meaning", r.meaning());
  }

  @Override
  public void beforeStep(TrainingState state) {
    if (!started) writeStart(state);
    live = state;
    if ((state.step + 1) % ratioEvery == 0) before = state.params.clone();
  }

  private void writeStart(TrainingState state) {
    started = true;
    startNanos = clock.getAsLong();
    StringBuilder layers = new StringBuilder("[");
    List<String> names = ratios.names();
    List<Integer> counts = ratios.paramCounts();
    for (int k = 0; k < names.size(); k++) {
      if (k > 0) layers.append(',');
      String name = names.get(k);
      int colon = name.indexOf(':');
      layers.append(new JsonLine().put("index", Long.parseLong(name.substring(0, colon)))
          .put("name", name.substring(colon + 1)).put("params", counts.get(k)));
    }
    layers.append(']');
    write(new JsonLine().put("type", "start").put("time", Instant.now().toString()).put("step", state.step)
        .put("epoch", state.epoch).put("steps_per_epoch", run.stepsPerEpoch()).put("epochs", run.epochs())
        .put("batch_size", run.batchSize()).put("params", network.paramCount()).putRaw("layers", layers.toString())
        .put("config", run.configText()).put("summary", network.summary()));
    writeChecks();
  }

  @Override
  public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
    JsonLine line = new JsonLine().put("type", "step").put("step", info.step() + 1)
        .put("epoch", info.step() / run.stepsPerEpoch() + 1).put("loss", info.loss())
        .put("lr", info.lr()).put("grad_norm", info.gradNorm()).put("examples", info.examples())
        .put("samples_per_s", info.examples() / (wallNanos / 1e9)).put("wall_ms", wallNanos / 1e6)
        .put("compute_ms", computeNanos / 1e6).put("time_s", elapsedSeconds());
    if (!Double.isNaN(info.accuracy())) line.put("accuracy", info.accuracy()); // none for regression
    if (before != null && live != null) {
      line.put("update_ratio", ratios.compute(before, live.params));
      before = null;
    }
    write(line);
  }

  @Override
  public void onLayerHealth(int epoch, List<LayerHealth> layers) {
    this.health = layers;
  }

  @Override
  public void onEpoch(int epoch, Evaluation train, Evaluation validation) {
    JsonLine line = new JsonLine().put("type", "epoch").put("epoch", epoch + 1).put("step", (epoch + 1) * run.stepsPerEpoch())
        .put("train_loss", train.meanLoss())
        .put("validation_loss", validation == null ? Double.NaN : validation.meanLoss());
    if (train.hasAccuracy) {
      line.put("train_accuracy", train.accuracy())
          .put("validation_accuracy", validation == null ? Double.NaN : validation.accuracy());
    } else if (validation != null && validation.hasRegression()) {
      line.put("validation_mse", validation.mse()).put("validation_rmse", validation.rmse())
          .put("validation_mae", validation.mae()).put("validation_r2", validation.r2());
    }
    line.put("time_s", elapsedSeconds());
    if (health != null) {
      StringBuilder layers = new StringBuilder("[");
      for (LayerHealth h : health) {
        if (layers.length() > 1) layers.append(',');
        layers.append(new JsonLine().put("index", h.layer()).put("name", h.name()).put("activation_rms", h.activationRms())
            .put("gradient_rms", h.gradientRms()).put("dead_fraction", h.deadFraction()));
      }
      line.putRaw("layers_health", layers.append(']').toString());
      health = null;
    }
    write(line);
  }

  private double elapsedSeconds() {
    return started ? (clock.getAsLong() - startNanos) / 1e9 : 0;
  }

  private void write(JsonLine line) {
    if (failed) return;
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      if (out instanceof Syncable s) s.hflush();
      else out.flush();
    } catch (IOException | FSError e) { // FSError: the local file system's full disk
      // Losing the metrics must not end a training run; say so once.
      failed = true;
      LOG.warning("metrics.jsonl: write failed, no further metrics are written: " + e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
