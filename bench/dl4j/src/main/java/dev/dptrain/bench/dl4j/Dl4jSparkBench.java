package dev.dptrain.bench.dl4j;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The DL4J Spark baseline of docs/benchmarks.md: the Fashion-MNIST MLP 784-256(BN,ReLU)-256(BN,ReLU)-10
 * trained with {@link ParameterAveragingTrainingMaster} at the same global batch as dptrain.
 *
 * <p>Closest DL4J equivalents of dptrain's optimiser: {@code Nesterovs(lr, 0.9)} (DL4J has no plain
 * heavy-ball momentum), L2 5e-4, clipping per layer to L2 norm 5 (DL4J has no global-norm clipping),
 * He-normal init (WeightInit.RELU). Pixels in [0,1] centred by the training mean, as in dptrain.
 *
 * <p>Prints one JSON object per run on a line starting with {@code RESULT }.
 *
 * <pre>  Dl4jSparkBench MASTER GLOBAL_BATCH AVERAGING_FREQUENCY STEPS RUNS  </pre>
 */
public final class Dl4jSparkBench {
  private Dl4jSparkBench() {}

  public static void main(String[] args) throws Exception {
    String master = args[0];
    int globalBatch = Integer.parseInt(args[1]);
    int frequency = Integer.parseInt(args[2]);
    int steps = Integer.parseInt(args[3]);
    int runs = Integer.parseInt(args[4]);
    Path dir = Path.of(System.getProperty("dptrain.data", "/usr/share/datasets/fashion-mnist"));
    float[][] images = readImages(dir.resolve("train-images-idx3-ubyte.gz"));
    int[] labels = readLabels(dir.resolve("train-labels-idx1-ubyte.gz"));
    center(images);

    SparkConf conf = new SparkConf().setAppName("dl4j-bench").setMaster(master).set("spark.ui.enabled", "false");
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      sc.setLogLevel("WARN");
      int workers = sc.defaultParallelism();
      int perWorker = globalBatch / workers;
      // Each DataSet in the RDD is one worker mini-batch; the training master averages every
      // `frequency` mini-batches, so one averaging round consumes workers*frequency of them.
      int examples = steps * globalBatch;
      List<DataSet> batches = new ArrayList<>();
      for (int from = 0; from + perWorker <= examples; from += perWorker) {
        batches.add(batch(images, labels, from % images.length, perWorker));
      }
      // Not cached here: the training master persists (and repartitions) the RDD itself.
      JavaRDD<DataSet> rdd = sc.parallelize(batches, workers);
      System.out.printf(Locale.ROOT, "DL4J %s, %d workers, global batch %d (%d per worker), averaging every %d, %d steps, backend %s%n",
          master, workers, globalBatch, perWorker, frequency, steps, Nd4j.getBackend().getClass().getSimpleName());
      // Warm-up (JIT, native library loading, executor start-up), not reported.
      fit(sc, rdd.sample(false, 0.2, 1), perWorker, frequency);
      for (int r = 0; r < runs; r++) {
        long t0 = System.nanoTime();
        fit(sc, rdd, perWorker, frequency);
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT,
            "RESULT {\"system\":\"dl4j-spark\",\"master\":\"%s\",\"global_batch\":%d,\"averaging_frequency\":%d,\"run\":%d,\"samples\":%d,\"seconds\":%.3f,\"samples_per_s\":%.1f}%n",
            master, globalBatch, frequency, r, examples, secs, examples / secs);
      }
    }
  }

  static void fit(JavaSparkContext sc, JavaRDD<DataSet> rdd, int perWorker, int frequency) {
    ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(perWorker)
        .batchSizePerWorker(perWorker)
        .averagingFrequency(frequency)
        .workerPrefetchNumBatches(0)
        .rddTrainingApproach(RDDTrainingApproach.Direct)
        .collectTrainingStats(false)
        .build();
    SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, mlp(), tm);
    net.fit(rdd);
  }

  static MultiLayerConfiguration mlp() {
    return new NeuralNetConfiguration.Builder()
        .seed(42)
        .weightInit(WeightInit.RELU)
        .updater(new Nesterovs(0.05, 0.9))
        .l2(5e-4)
        .gradientNormalization(GradientNormalization.ClipL2PerLayer)
        .gradientNormalizationThreshold(5.0)
        .list()
        .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().nOut(256).build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(new DenseLayer.Builder().nIn(256).nOut(256).activation(Activation.IDENTITY).build())
        .layer(new BatchNormalization.Builder().nOut(256).build())
        .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
            .activation(Activation.SOFTMAX).build())
        .build();
  }

  static DataSet batch(float[][] images, int[] labels, int from, int n) {
    int count = Math.min(n, images.length - from);
    float[][] x = Arrays.copyOfRange(images, from, from + count);
    float[][] y = new float[count][10];
    for (int i = 0; i < count; i++) y[i][labels[from + i]] = 1f;
    INDArray features = Nd4j.create(x);
    INDArray targets = Nd4j.create(y);
    return new DataSet(features, targets);
  }

  static void center(float[][] images) {
    double sum = 0;
    for (float[] im : images) for (float v : im) sum += v;
    float mean = (float) (sum / ((double) images.length * images[0].length));
    for (float[] im : images) for (int i = 0; i < im.length; i++) im[i] -= mean;
  }

  static float[][] readImages(Path file) throws IOException {
    try (DataInputStream in = open(file, 2051)) {
      int n = in.readInt();
      int size = in.readInt() * in.readInt();
      byte[] raw = in.readNBytes(n * size);
      if (raw.length != n * size) throw new IOException(file + ": truncated, expected " + n * size + " pixel bytes");
      float[][] x = new float[n][size];
      for (int i = 0; i < n; i++) for (int j = 0; j < size; j++) x[i][j] = (raw[i * size + j] & 0xff) / 255f;
      return x;
    }
  }

  static int[] readLabels(Path file) throws IOException {
    try (DataInputStream in = open(file, 2049)) {
      int n = in.readInt();
      byte[] raw = in.readNBytes(n);
      if (raw.length != n) throw new IOException(file + ": truncated, expected " + n + " labels");
      int[] y = new int[n];
      for (int i = 0; i < n; i++) y[i] = raw[i];
      return y;
    }
  }

  private static DataInputStream open(Path file, int magic) throws IOException {
    InputStream raw = Files.newInputStream(file);
    DataInputStream in = new DataInputStream(new GZIPInputStream(raw, 1 << 16));
    int m = in.readInt();
    if (m != magic) {
      in.close();
      throw new IOException(file + ": IDX magic " + m + ", expected " + magic);
    }
    return in;
  }
}
