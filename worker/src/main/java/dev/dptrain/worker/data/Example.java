package dev.dptrain.worker.data;

/**
 * One example as read from its file, before packing: its features and its label. Lives only
 * between a reader and the shuffle that balances examples over partitions. 8-bit images (IDX)
 * keep their {@code pixels} (value = byte / 255) and no {@code features}: a quarter of the bytes
 * through the shuffle and in the cache; every other format has float {@code features}.
 * {@code kept}: prediction input only, the text of the columns passed through to the output.
 * Serializable for a Spark session on Java serialization (a Spark ML user's own session); dptrain's
 * sessions use Kryo.
 */
public record Example(float[] features, byte[] pixels, float label, String[] kept) implements java.io.Serializable {
  public Example(float[] features, byte[] pixels, float label) {
    this(features, pixels, label, null);
  }

  public Example(float[] features, float label) {
    this(features, null, label, null);
  }

  public static Example ofPixels(byte[] pixels, float label) {
    return new Example(null, pixels, label, null);
  }

  /** This example with the values of the columns {@code predict --keep} passes through. */
  public Example keeping(String[] values) {
    return new Example(features, pixels, label, values);
  }

  public int size() {
    return features != null ? features.length : pixels.length;
  }

  /** The features as floats, written to {@code dst} from {@code off}. */
  public void copyTo(float[] dst, int off) {
    if (features != null) {
      System.arraycopy(features, 0, dst, off, features.length);
    } else {
      for (int j = 0; j < pixels.length; j++) dst[off + j] = PackedPixels.value(pixels[j]);
    }
  }
}
