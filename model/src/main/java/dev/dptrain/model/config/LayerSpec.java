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

/**
 * Immutable description of one layer: what a config file or the Java builder says. {@link #create}
 * turns it into the runtime layer for a given input shape (and checks the shape fits).
 */
public sealed interface LayerSpec extends Serializable {
  Layer create(Shape input);

  record DenseSpec(int units, boolean bias, Init init) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new Dense(in, units, bias, init);
    }
  }

  record ActivationSpec(Activation.Kind kind, double alpha) implements LayerSpec {
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
    @Override
    public Layer create(Shape in) {
      return new BatchNorm(in, eps, momentum);
    }
  }

  record DropoutSpec(double rate) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new Dropout(in, rate);
    }
  }

  // Per-example normalisation, weight normalisation, learned activations.

  record LayerNormSpec(double eps) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new LayerNorm(in, eps);
    }
  }

  record InstanceNormSpec(boolean affine, double eps) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new InstanceNorm(in, affine, eps);
    }
  }

  record GroupNormSpec(int groups, double eps) implements LayerSpec {
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
    @Override
    public Layer create(Shape in) {
      return new PReLU(in, mode);
    }
  }

  record MaxoutSpec(int units, int pieces, Init init) implements LayerSpec {
    @Override
    public Layer create(Shape in) {
      return new Maxout(in, units, pieces, init);
    }
  }

  // Convolutional layers: NCHW images.

  record Conv2DSpec(int filters, int kernelH, int kernelW, int stride, int padding, boolean bias,
                    boolean weightNorm, Init init) implements LayerSpec {
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
    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.MaxPool2D(in, kernel, stride, padding);
    }
  }

  record AvgPoolSpec(int kernel, int stride, int padding) implements LayerSpec {
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
    @Override
    public Layer create(Shape in) {
      return new dev.dptrain.model.layers.StochasticPool2D(in, kernel, stride);
    }
  }

  /** Residual block: {@code layers} form the branch; the shortcut is the identity or a 1x1 projection. */
  record ResidualSpec(java.util.List<LayerSpec> layers, boolean projectionBn) implements LayerSpec {
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
