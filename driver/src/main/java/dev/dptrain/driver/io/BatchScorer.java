package dev.dptrain.driver.io;

import dev.dptrain.driver.StepPayload;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.worker.Worker;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The one inference path over rows on the executors ({@code predict}, the Spark ML models'
 * {@code transform}): items are scored where they are, in batches of {@value #BATCH}, with the
 * model's standardisation, by the thread's cached network; the model travels as broadcasts.
 * Each item's output is the network's raw output (logits) and the loss's prediction transform of
 * it (class probabilities for classifiers, the value itself for regression).
 */
public final class BatchScorer implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int BATCH = 512;

  /** Copies an item's features into {@code x} at {@code off}. */
  @FunctionalInterface
  public interface Features<T> extends Serializable {
    void copy(T item, float[] x, int off);
  }

  /** The output row of an item: its raw output and prediction are {@code width} floats at {@code off}. */
  @FunctionalInterface
  public interface Output<T, R> extends Serializable {
    R row(T item, float[] raw, float[] prediction, int off);
  }

  private final Broadcast<NetworkSpec> spec;
  private final Broadcast<StepPayload> payload;
  private final Standardizer st;
  private final int width;

  public BatchScorer(JavaSparkContext sc, SavedModel model) {
    NetworkSpec net = model.spec();
    this.spec = sc.broadcast(net);
    this.payload = sc.broadcast(new StepPayload(model.params(), model.state()));
    this.st = model.standardizer();
    this.width = Network.build(net).outputSize();
  }

  /** Floats of output per item. */
  public int width() {
    return width;
  }

  /** The items' output rows, in order, computed a batch at a time as they are consumed. */
  public <T, R> Iterator<R> score(Iterator<T> items, Features<T> features, Output<T, R> output) {
    return new Iterator<>() {
      private final List<R> ready = new ArrayList<>();
      private int next;

      @Override
      public boolean hasNext() {
        if (next < ready.size()) return true;
        if (!items.hasNext()) return false;
        ready.clear();
        next = 0;
        List<T> batch = new ArrayList<>(BATCH);
        while (batch.size() < BATCH && items.hasNext()) batch.add(items.next());
        scoreBatch(batch, features, output, ready);
        return true;
      }

      @Override
      public R next() {
        if (!hasNext()) throw new NoSuchElementException();
        return ready.get(next++);
      }
    };
  }

  private <T, R> void scoreBatch(List<T> batch, Features<T> features, Output<T, R> output, List<R> into) {
    Network net = Worker.get().network(spec.value());
    Shape shape = spec.value().input();
    int m = batch.size();
    float[] x = new float[m * shape.size()];
    for (int i = 0; i < m; i++) features.copy(batch.get(i), x, i * shape.size());
    float[][] y = forward(net, payload.value().params, payload.value().normState, st, x, m);
    for (int i = 0; i < m; i++) into.add(output.row(batch.get(i), y[0], y[1], i * width));
  }

  /** One example on the calling thread (the Spark ML models' single-row predict): {raw, prediction}. */
  public static float[][] one(SavedModel model, float[] features) {
    Network net = Worker.get().network(model.spec());
    return forward(net, model.params(), model.state(), model.standardizer(), features.clone(), 1);
  }

  private static float[][] forward(Network net, float[] params, float[] state, Standardizer st, float[] x, int m) {
    st.apply(x, m, net.spec().input());
    float[] raw = net.predictRaw(params, state, x, m).clone();
    float[] pred = raw.clone();
    net.loss().toPrediction(pred, m, net.outputSize());
    return new float[][] {raw, pred};
  }
}
