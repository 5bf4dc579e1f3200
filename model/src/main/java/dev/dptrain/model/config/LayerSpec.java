package dev.dptrain.model.config;

import dev.dptrain.model.Shape;
import dev.dptrain.model.init.Init;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.layers.BatchNorm;
import dev.dptrain.model.layers.Dense;
import dev.dptrain.model.layers.Dropout;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.layers.Softmax;
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
}
