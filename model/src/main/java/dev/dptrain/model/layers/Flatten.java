package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/**
 * Flattens (C, H, W) to the vector (C·H·W) in CHW order. The data does not move: forward and
 * backward hand their argument through unchanged.
 */
public final class Flatten extends AbstractLayer {
  public Flatten(Shape in) {
    super(in, Shape.vector(in.size()));
  }

  @Override
  public float[] forward(Pass pass, float[] x, int batch) {
    return x;
  }

  @Override
  public float[] backward(Pass pass, float[] dy, int batch, boolean needInputGrad) {
    return needInputGrad ? dy : null;
  }

  @Override
  public String describe() {
    return "flatten";
  }
}
