package dev.dptrain.model.config;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.BatchNorm;
import dev.dptrain.model.layers.Dense;
import dev.dptrain.model.layers.Dropout;
import dev.dptrain.model.layers.GroupNorm;
import dev.dptrain.model.layers.InstanceNorm;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.LayerNorm;
import dev.dptrain.model.layers.Maxout;
import dev.dptrain.model.layers.PReLU;
import dev.dptrain.model.layers.Softmax;
import dev.dptrain.model.layers.WeightNormDense;
import java.io.Serializable;
import java.util.Locale;

/**
 * Immutable description of one layer: what a config file or the Java builder says. {@link #create}
 * turns it into the runtime layer for a given input shape (and checks the shape fits); a spec's
 * static {@code parse(Conf)} reads its config keys (registered by type name in {@link LayerTypes}).
 */
public sealed interface LayerSpec extends Serializable {
  Layer create(Shape input);

  // Keys shared by several layer types.

  private static double normEps(Conf c) {
    return c.number("eps", NetworkSpec.NORM_EPS, Double.MIN_VALUE, 1);
  }

  /** A window pooling layer's {kernel, stride (default: the kernel), padding}. */
  private static int[] windowPool(Conf c) {
    int kernel = poolKernel(c);
    return new int[] {kernel, poolStride(c, kernel), (int) c.integer("padding", 0, 0, 512)};
  }

  private static int poolKernel(Conf c) {
    return (int) c.integer("kernel", 2, 1, 1024);
  }

  private static int poolStride(Conf c, int kernel) {
    return (int) c.integer("stride", kernel, 1, 1024);
  }

  record DenseSpec(int units, boolean bias, Init init) implements LayerSpec {
    /** {@code weight-norm = true} gives a {@link WeightNormDenseSpec}. */
    static LayerSpec parse(Conf c) {
      int units = (int) c.integer("units", 1, Integer.MAX_VALUE);
      boolean bias = c.bool("bias", true);
      Init init = NetworkConfigParser.weightInit(c);
      return c.bool("weight-norm", false) ? new WeightNormDenseSpec(units, bias, init) : new DenseSpec(units, bias, init);
    }

    @Override
    public Layer create(Shape in) {
      return new Dense(in, units, bias, init);
    }
  }

  record ActivationSpec(Activation.Kind kind, double alpha) implements LayerSpec {
    /** Leaky ReLU and ELU read {@code alpha}; the others have no keys. */
    static LayerTypes.Parser parser(Activation.Kind kind) {
      return switch (kind) {
        case LEAKY_RELU -> c -> new ActivationSpec(kind, c.number("alpha", 0.01, Double.MIN_VALUE, 0.999));
        case ELU -> c -> new ActivationSpec(kind, c.number("alpha", 1.0, Double.MIN_VALUE, Double.MAX_VALUE));
        default -> c -> new ActivationSpec(kind, 0);
      };
    }

    @Override
    public Layer create(Shape in) {
      return new Activation(in, kind, alpha);
    }
  }

  record SoftmaxSpec() implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new Softmax(in);
    }
  }

  record BatchNormSpec(double eps, double momentum) implements LayerSpec {
    static BatchNormSpec parse(Conf c) {
      return new BatchNormSpec(c.number("eps", NetworkSpec.BN_EPS, Double.MIN_VALUE, 1),
          c.number("momentum", NetworkSpec.BN_MOMENTUM, Double.MIN_VALUE, 1));
    }

    @Override
    public Layer create(Shape in) {
      return new BatchNorm(in, eps, momentum);
    }
  }

  record DropoutSpec(double rate) implements LayerSpec {
    static DropoutSpec parse(Conf c) {
      return new DropoutSpec(c.number("rate", 0.5, 0, 0.999));
    }

    @Override
    public Layer create(Shape in) {
      return new Dropout(in, rate);
    }
  }

  // Per-example normalisation, weight normalisation, learned activations.

  record LayerNormSpec(double eps) implements LayerSpec {
    static LayerNormSpec parse(Conf c) {
      return new LayerNormSpec(normEps(c));
    }

    @Override
    public Layer create(Shape in) {
      return new LayerNorm(in, eps);
    }
  }

  record InstanceNormSpec(boolean affine, double eps) implements LayerSpec {
    static InstanceNormSpec parse(Conf c) {
      return new InstanceNormSpec(c.bool("affine", false), normEps(c));
    }

    @Override
    public Layer create(Shape in) {
      return new InstanceNorm(in, affine, eps);
    }
  }

  record GroupNormSpec(int groups, double eps) implements LayerSpec {
    static GroupNormSpec parse(Conf c) {
      return new GroupNormSpec((int) c.integer("groups", 1, Integer.MAX_VALUE), normEps(c));
    }

    @Override
    public Layer create(Shape in) {
      return new GroupNorm(in, groups, eps);
    }
  }

  /** A dense layer with {@code weight-norm = true}. */
  record WeightNormDenseSpec(int units, boolean bias, Init init) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new WeightNormDense(in, units, bias, init);
    }
  }

  record PReLUSpec(PReLU.Mode mode) implements LayerSpec {
    static PReLUSpec parse(Conf c) {
      return new PReLUSpec(PReLU.Mode.valueOf(c.oneOf("mode", "shared", "shared", "channel").toUpperCase(Locale.ROOT)));
    }

    @Override
    public Layer create(Shape in) {
      return new PReLU(in, mode);
    }
  }

  record MaxoutSpec(int units, int pieces, Init init) implements LayerSpec {
    static MaxoutSpec parse(Conf c) {
      return new MaxoutSpec((int) c.integer("units", 1, Integer.MAX_VALUE), (int) c.integer("pieces", 2, 2, 64),
          NetworkConfigParser.weightInit(c));
    }

    @Override
    public Layer create(Shape in) {
      return new Maxout(in, units, pieces, init);
    }
  }

  // Convolutional layers: NCHW images.

  record Conv2DSpec(int filters, int kernelH, int kernelW, int stride, int padding, boolean bias,
                    boolean weightNorm, Init init) implements LayerSpec {
    /** A square {@code kernel}. */
    static Conv2DSpec parse(Conf c) {
      int filters = (int) c.integer("filters", 1, Integer.MAX_VALUE);
      int kernel = (int) c.integer("kernel", 1, 1024);
      return new Conv2DSpec(filters, kernel, kernel, (int) c.integer("stride", 1, 1, 1024),
          (int) c.integer("padding", 0, 0, 1024), c.bool("bias", true), c.bool("weight-norm", false),
          NetworkConfigParser.weightInit(c));
    }

    public Conv2DSpec(int filters, int kernelH, int kernelW, int stride, int padding, boolean bias, Init init) {
      this(filters, kernelH, kernelW, stride, padding, bias, false, init);
    }

    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.Conv2D(in, filters, kernelH, kernelW, stride, padding, bias, weightNorm,
          init);
    }
  }

  record MaxPoolSpec(int kernel, int stride, int padding) implements LayerSpec {
    static MaxPoolSpec parse(Conf c) {
      int[] w = windowPool(c);
      return new MaxPoolSpec(w[0], w[1], w[2]);
    }

    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.MaxPool2D(in, kernel, stride, padding);
    }
  }

  record AvgPoolSpec(int kernel, int stride, int padding) implements LayerSpec {
    static AvgPoolSpec parse(Conf c) {
      int[] w = windowPool(c);
      return new AvgPoolSpec(w[0], w[1], w[2]);
    }

    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.AvgPool2D(in, kernel, stride, padding);
    }
  }

  record GlobalAvgPoolSpec() implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.GlobalAvgPool(in);
    }
  }

  record FlattenSpec() implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.Flatten(in);
    }
  }

  record StochasticPoolSpec(int kernel, int stride) implements LayerSpec {
    static StochasticPoolSpec parse(Conf c) {
      int kernel = poolKernel(c);
      return new StochasticPoolSpec(kernel, poolStride(c, kernel));
    }

    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.StochasticPool2D(in, kernel, stride);
    }
  }

  /** Residual block: {@code layers} form the branch; the shortcut is the identity or a 1x1 projection. */
  record ResidualSpec(java.util.List<LayerSpec> layers, boolean projectionBn) implements LayerSpec {
    /** {@code layers}: the branch, each parsed as a layer of its own. */
    static ResidualSpec parse(Conf c) {
      java.util.List<LayerSpec> inner = new java.util.ArrayList<>();
      for (Conf l : c.objectList("layers")) inner.add(NetworkConfigParser.parseLayer(l));
      if (inner.isEmpty()) throw c.error("layers", "at least one layer", "[]");
      return new ResidualSpec(inner, c.bool("projection-bn", true));
    }

    public ResidualSpec {
      layers = java.util.List.copyOf(layers);
    }

    @Override
    public Layer create(Shape in) {
      java.util.List<Layer> branch = new java.util.ArrayList<>();
      Shape shape = in;
      for (int k = 0; k < layers.size(); k++) {
        try {
          Layer l = layers.get(k).create(shape);
          branch.add(l);
          shape = l.outputShape();
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("residual layer " + k + " (" + layers.get(k) + ") on " + shape + ": "
              + e.getMessage(), e);
        }
      }
      return new dev.dptrain.model.layers.ResidualBlock(in, branch,
          dev.dptrain.model.layers.ResidualBlock.projection(in, shape, projectionBn, NetworkSpec.BN_EPS,
              NetworkSpec.BN_MOMENTUM, Init.HE_NORMAL));
    }
  }
}
