package dev.dptrain.bench.kernels;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Pass;
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
 * Training forward + backward of one layer of a Fashion-MNIST model at batch 128, the layer taken
 * from conf/fashion-{model}.conf exactly as the trainer builds it (bound offsets, He init).
 * {@code layer} is "model:index" (0-based index into the conf's layer list); scripts/bench/kernels.sh
 * passes every layer of every model conf it finds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class LayerBench {
  @Param({"mlp:0", "mlp:1", "mlp:2", "mlp:6"})
  public String layer;

  @Param({"128"})
  public int batch;

  @Param({"conf"})
  public String confDir;

  private Layer target;
  private Pass pass;
  private float[] input;
  private float[] gradOutput;

  @Setup
  public void setup() {
    String[] p = layer.split(":");
    File conf = new File(confDir, "fashion-" + p[0] + ".conf");
    Network net = Network.build(NetworkConfigParser.parse(Conf.parseFile(conf).object("model")));
    target = net.layers().get(Integer.parseInt(p[1]));
    pass = new Pass();
    pass.params = net.initParams(42);
    pass.grads = new float[net.paramCount()];
    pass.state = net.initState();
    pass.training = true;
    pass.seed = 7;
    SplittableRandom rnd = new SplittableRandom(3);
    input = new float[batch * target.inputShape().size()];
    gradOutput = new float[batch * target.outputShape().size()];
    for (int i = 0; i < input.length; i++) input[i] = (float) rnd.nextGaussian();
    for (int i = 0; i < gradOutput.length; i++) gradOutput[i] = (float) rnd.nextGaussian() * 1e-3f;
  }

  /** What a training step asks of the layer; the input gradient is needed except for layer 0. */
  @Benchmark
  public float[] forwardBackward() {
    target.forward(pass, input, batch);
    return target.backward(pass, gradOutput, batch, true);
  }
}
