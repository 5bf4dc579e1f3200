package dev.dptrain.model.layers;

import dev.dptrain.model.Shape;

/** Shapes, offsets and per-batch buffer management shared by all layers. */
public abstract class AbstractLayer implements Layer {
  protected final Shape in;
  protected final Shape out;
  protected int paramOffset = -1;
  protected int stateOffset = -1;
  protected int index = -1;
  /** Output of the last forward and input gradient of the last backward. */
  protected float[] output = new float[0];
  protected float[] gradInput = new float[0];

  protected AbstractLayer(Shape in, Shape out) {
    this.in = in;
    this.out = out;
  }

  @Override
  public Shape inputShape() {
    return in;
  }

  @Override
  public Shape outputShape() {
    return out;
  }

  @Override
  public void bind(int paramOffset, int stateOffset, int index) {
    this.paramOffset = paramOffset;
    this.stateOffset = stateOffset;
    this.index = index;
  }

  /** A buffer of at least n floats, reusing {@code buf} when it is big enough. */
  protected static float[] ensure(float[] buf, int n) {
    return buf.length >= n ? buf : new float[n];
  }

  protected float[] outputBuffer(int batch) {
    return output = ensure(output, batch * out.size());
  }

  protected float[] gradInputBuffer(int batch) {
    return gradInput = ensure(gradInput, batch * in.size());
  }

  @Override
  public String toString() {
    return describe();
  }
}
