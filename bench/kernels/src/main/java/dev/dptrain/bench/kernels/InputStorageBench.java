package dev.dptrain.bench.kernels;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import java.io.File;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Should cached 8-bit image partitions stay bytes (4x less executor memory) and be converted per
 * batch? Per batch of one partition's share of a step: gathering from float storage (what the
 * worker does), gathering from byte storage with the conversion to [0, 1] and the centring the
 * float path does once at load time, and the MLP's whole forward + backward on that batch for
 * scale. The throughput cost of bytes is (bytes - floats) / (step + floats).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class InputStorageBench {
  private static final int D = 784;
  private static final int N = 30_000;

  @Param({"256"})
  public int batch;

  @Param({"conf"})
  public String confDir;

  private float[] floats;
  private byte[] bytes;
  private int[] order;
  private float[] xb;
  private float[] yb;
  private float[] labels;
  private Network net;
  private float[] params;
  private float mean;

  @Setup
  public void setup() {
    SplittableRandom rnd = new SplittableRandom(3);
    floats = new float[N * D];
    bytes = new byte[N * D];
    labels = new float[N];
    for (int i = 0; i < N * D; i++) {
      bytes[i] = (byte) rnd.nextInt(256);
      floats[i] = (bytes[i] & 0xff) * (1f / 255f) - 0.286f;
    }
    for (int i = 0; i < N; i++) labels[i] = rnd.nextInt(10);
    order = new int[N];
    for (int i = 0; i < N; i++) order[i] = i;
    for (int i = N - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    xb = new float[batch * D];
    yb = new float[batch];
    mean = 0.286f;
    net = Network.build(NetworkConfigParser.parse(Conf.parseFile(new File(confDir, "fashion-mlp.conf")).object("model")));
    params = net.initParams(42);
  }

  private int next;

  private int from() {
    next = (next + batch) % (N - batch);
    return next;
  }

  @Benchmark
  public float[] gatherFloats() {
    int from = from();
    for (int i = 0; i < batch; i++) {
      int e = order[from + i];
      System.arraycopy(floats, e * D, xb, i * D, D);
      yb[i] = labels[e];
    }
    return xb;
  }

  @Benchmark
  public float[] gatherBytesConvertAndCentre() {
    int from = from();
    for (int i = 0; i < batch; i++) {
      int e = order[from + i];
      int src = e * D;
      int dst = i * D;
      for (int j = 0; j < D; j++) xb[dst + j] = (bytes[src + j] & 0xff) * (1f / 255f) - mean;
      yb[i] = labels[e];
    }
    return xb;
  }

  @Benchmark
  public GradientSum mlpStep() {
    GradientSum sum = new GradientSum();
    sum.grad = new float[net.paramCount()];
    net.accumulateGradient(params, null, gatherFloats(), yb, batch, 1, sum);
    return sum;
  }
}
