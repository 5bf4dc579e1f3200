package dev.dptrain.model;

/**
 * Shape of ONE example's activations, channels x height x width (NCHW without the N).
 * A dense vector of n features is {@code (n, 1, 1)}.
 */
public record Shape(int channels, int height, int width) implements java.io.Serializable {
  public Shape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException("shape dimensions must be positive, got "
          + channels + "x" + height + "x" + width);
    }
  }

  public static Shape vector(int n) {
    return new Shape(n, 1, 1);
  }

  public static Shape image(int channels, int height, int width) {
    return new Shape(channels, height, width);
  }

  /** Number of floats per example. */
  public int size() {
    return channels * height * width;
  }

  /** Positions per channel (h*w); 1 for a vector. */
  public int spatial() {
    return height * width;
  }

  public boolean isVector() {
    return height == 1 && width == 1;
  }

  @Override
  public String toString() {
    return isVector() ? "[" + channels + "]" : "[" + channels + "x" + height + "x" + width + "]";
  }
}
