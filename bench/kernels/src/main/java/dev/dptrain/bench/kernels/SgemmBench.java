package dev.dptrain.bench.kernels;

import dev.dptrain.model.ops.Gemm;
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
 * sgemm through {@link Gemm} (netlib, native OpenBLAS when installed) at the shapes the Fashion-MNIST
 * models produce at batch 128: "m x k x n" means C[m x n] = A[m x k] * B[k x n]. GFLOP/s = 2mkn / time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SgemmBench {
  /** MLP dense 1 forward, MLP dense 2, CNN dense 800-500, CNN conv2 as im2col (8x8 outputs x 128). */
  @Param({"128x784x256", "128x256x256", "128x800x500", "8192x500x50"})
  public String shape;

  private int m;
  private int k;
  private int n;
  private float[] a;
  private float[] b;
  private float[] c;

  @Setup
  public void setup() {
    String[] p = shape.split("x");
    m = Integer.parseInt(p[0]);
    k = Integer.parseInt(p[1]);
    n = Integer.parseInt(p[2]);
    SplittableRandom rnd = new SplittableRandom(1);
    a = new float[m * k];
    b = new float[k * n];
    c = new float[m * n];
    for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
  }

  @Benchmark
  public float[] sgemm() {
    Gemm.gemm(false, false, m, n, k, 1f, a, b, 0f, c);
    return c;
  }
}
