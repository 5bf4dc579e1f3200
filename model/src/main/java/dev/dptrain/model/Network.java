package dev.dptrain.model;

import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Examples;
import dev.dptrain.model.layers.BatchStatsLayer;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.NormStats;
import dev.dptrain.model.layers.Pass;
import dev.dptrain.model.loss.Loss;
import java.util.ArrayList;
import java.util.List;

/**
 * A runnable network: layers bound to offsets in one flat parameter vector and one flat state
 * vector (running statistics), plus a loss. The network holds activation buffers but no weights,
 * so one instance serves any parameter vector; it is NOT thread-safe: use one per thread.
 */
public final class Network {
  private final NetworkSpec spec;
  private final Layer[] layers;
  private final Loss loss;
  private final int paramCount;
  private final int stateCount;
  private final BatchStatsLayer[] statsLayers;
  private final int[] statsOffsets;
  private final double[] statsTemplate;
  private final int outWidth;
  private final Pass pass = new Pass();
  private float[] delta = new float[0];
  private double[] batchStats;

  private Network(NetworkSpec spec) {
    this.spec = spec;
    this.loss = Loss.parse(spec.loss());
    List<Layer> built = new ArrayList<>();
    List<BatchStatsLayer> stats = new ArrayList<>();
    Shape shape = spec.input();
    int p = 0;
    int s = 0;
    int i = 0;
    for (LayerSpec ls : spec.layers()) {
      Layer layer;
      try {
        layer = ls.create(shape);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("layer " + i + " (" + ls + ") on input " + shape + ": "
            + e.getMessage(), e);
      }
      layer.bind(p, s, i);
      try {
        p = Math.addExact(p, layer.paramCount());
        s = Math.addExact(s, layer.stateCount());
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException("layer " + i + " (" + ls + "): more than " + Integer.MAX_VALUE
            + " parameters or state floats");
      }
      collectStatsLayers(layer, stats);
      built.add(layer);
      shape = layer.outputShape();
      i++;
    }
    this.layers = built.toArray(new Layer[0]);
    this.paramCount = p;
    this.stateCount = s;
    this.outWidth = shape.size();
    this.statsLayers = stats.toArray(new BatchStatsLayer[0]);
    this.statsOffsets = new int[statsLayers.length];
    int off = 0;
    for (int k = 0; k < statsLayers.length; k++) {
      statsOffsets[k] = off;
      off += NormStats.blockSize(statsLayers[k].statsChannels());
    }
    this.statsTemplate = new double[off];
    for (int k = 0; k < statsLayers.length; k++) statsTemplate[statsOffsets[k]] = statsLayers[k].statsChannels();
  }

  /** Normalisation layers in parameter order, looking inside composite layers. */
  private static void collectStatsLayers(Layer layer, List<BatchStatsLayer> into) {
    if (layer instanceof BatchStatsLayer b) into.add(b);
    for (Layer child : layer.children()) collectStatsLayers(child, into);
  }

  /** Builds the runtime network; shape or value errors name the layer. */
  public static Network build(NetworkSpec spec) {
    return new Network(spec);
  }

  public NetworkSpec spec() {
    return spec;
  }

  public int paramCount() {
    return paramCount;
  }

  public int stateCount() {
    return stateCount;
  }

  /** Length of a training result's pooled normalisation statistics ({@code GradientSum.normStats}). */
  public int batchStatsCount() {
    return statsTemplate.length;
  }

  public int inputSize() {
    return spec.input().size();
  }

  public int outputSize() {
    return outWidth;
  }

  /** Label floats per example that the loss expects. */
  public int labelWidth() {
    return loss.labelWidth(outWidth);
  }

  public Loss loss() {
    return loss;
  }

  public List<Layer> layers() {
    return List.of(layers);
  }

  /** Fresh parameters; each layer draws from its own stream derived from the seed. */
  public float[] initParams(long seed) {
    float[] params = new float[paramCount];
    for (int i = 0; i < layers.length; i++) layers[i].initParams(params, Rng.derive(seed, 0x1417, i));
    return params;
  }

  /** Initial running statistics (BN mean 0, variance 1). */
  public float[] initState() {
    float[] state = new float[stateCount];
    for (Layer l : layers) l.initState(state);
    return state;
  }

  /** Zero-count statistics vector with this network's layout. */
  public double[] emptyStats() {
    return statsTemplate.clone();
  }

  /** Inference forward; returns the raw output (logits), valid until the next call. */
  public float[] predictRaw(float[] params, float[] state, float[] x, int batch) {
    return forward(params, null, state, x, batch, false, 0);
  }

  /** Inference forward followed by the loss's prediction transform (probabilities). */
  public float[] predict(float[] params, float[] state, float[] x, int batch) {
    float[] out = predictRaw(params, state, x, batch);
    loss.toPrediction(out, batch, outWidth);
    return out;
  }

  private float[] forward(float[] params, float[] grads, float[] state, float[] x, int batch,
                          boolean training, long seed) {
    if (params.length != paramCount) {
      throw new IllegalArgumentException("parameter vector has " + params.length
          + " floats, the network needs " + paramCount);
    }
    pass.params = params;
    pass.grads = grads;
    pass.state = state;
    pass.training = training;
    pass.seed = seed;
    float[] a = x;
    for (Layer l : layers) a = l.forward(pass, a, batch);
    return a;
  }

  /**
   * One training forward/backward over {@code batch} examples, treated as ONE batch for batch
   * statistics. Adds the gradient SUM into {@code acc.grad} (allocating it when null), and the
   * loss sum, count, correct predictions and pooled normalisation statistics into {@code acc}.
   *
   * @param seed seed of this batch's randomness (dropout masks); same seed, same masks
   */
  public void accumulateGradient(float[] params, float[] state, float[] x, float[] labels, int batch,
                                 long seed, GradientSum acc) {
    if (batch == 0) return;
    if (acc.grad == null) acc.grad = new float[paramCount];
    float[] out = forward(params, acc.grad, state, x, batch, true, seed);
    delta = delta.length >= batch * outWidth ? delta : new float[batch * outWidth];
    acc.lossSum += loss.lossAndDelta(out, labels, batch, outWidth, delta);
    long c = loss.countCorrect(out, labels, batch, outWidth);
    acc.correct += Math.max(c, 0);
    acc.count += batch;
    float[] d = delta;
    for (int i = layers.length - 1; i >= 0; i--) d = layers[i].backward(pass, d, batch, i > 0);
    double[] st = batchStats();
    acc.normStats = acc.normStats == null ? st.clone() : NormStats.merge(acc.normStats, st);
  }

  /** Training-mode forward only; returns the batch statistics it used (precise BN). */
  public double[] batchStatistics(float[] params, float[] state, float[] x, int batch, long seed) {
    forward(params, null, state, x, batch, true, seed);
    return batchStats().clone();
  }

  private double[] batchStats() {
    if (batchStats == null) batchStats = statsTemplate.clone();
    for (int k = 0; k < statsLayers.length; k++) statsLayers[k].writeBatchStats(batchStats, statsOffsets[k]);
    return batchStats;
  }

  /** Moves every normalisation layer's running statistics towards the pooled batch statistics. */
  public void updateRunningStats(float[] state, double[] pooled) {
    for (int k = 0; k < statsLayers.length; k++) statsLayers[k].updateRunningStats(state, pooled, statsOffsets[k]);
  }

  /** Replaces the running statistics with pooled population statistics (precise BN). */
  public void setRunningStats(float[] state, double[] pooled) {
    for (int k = 0; k < statsLayers.length; k++) statsLayers[k].setRunningStats(state, pooled, statsOffsets[k]);
  }

  /** Inference-mode loss and accuracy sums over a batch, added into {@code acc}. */
  public void evaluate(float[] params, float[] state, float[] x, float[] labels, int batch, Evaluation acc) {
    if (batch == 0) return;
    float[] out = predictRaw(params, state, x, batch);
    acc.lossSum += loss.lossAndDelta(out, labels, batch, outWidth, null);
    long c = loss.countCorrect(out, labels, batch, outWidth);
    if (c < 0) {
      acc.hasAccuracy = false;
      if (loss.labelWidth(outWidth) == outWidth) acc.addRegression(out, labels, batch * outWidth);
    } else {
      acc.correct += c;
    }
    acc.count += batch;
  }

  /**
   * Inference-mode loss and accuracy over a whole data set, {@code batch} examples at a time, in
   * order (the worker evaluates a partition with it, the single-process trainer a data set).
   */
  public Evaluation evaluate(float[] params, float[] state, Examples data, int batch) {
    Evaluation ev = new Evaluation();
    ev.hasAccuracy = loss.hasAccuracy();
    ev.targetScale = data.targetScale();
    int d = data.shape().size();
    int lw = data.labelWidth();
    int b = Math.min(batch, data.size());
    float[] xb = new float[b * d];
    float[] yb = new float[b * lw];
    for (int from = 0; from < data.size(); from += batch) {
      int n = Math.min(batch, data.size() - from);
      data.copy(from, n, xb, yb);
      evaluate(params, state, xb, yb, n, ev);
    }
    return ev;
  }

  /** A table of layers, output shapes and parameter counts. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-4s %-46s %-14s %10s%n", "#", "layer", "output", "params"));
    sb.append(String.format("%-4s %-46s %-14s %10s%n", "", "input", spec.input(), ""));
    for (int i = 0; i < layers.length; i++) {
      Layer l = layers[i];
      sb.append(String.format("%-4d %-46s %-14s %,10d%n", i, l.describe(), l.outputShape(), l.paramCount()));
      for (Layer child : l.children()) {
        sb.append(String.format("%-4s %-46s %-14s %,10d%n", "", "  " + child.describe(), child.outputShape(),
            child.paramCount()));
      }
    }
    sb.append(String.format("loss: %s; %,d trainable parameters, %,d state floats%n", loss.name(), paramCount, stateCount));
    return sb.toString();
  }
}
