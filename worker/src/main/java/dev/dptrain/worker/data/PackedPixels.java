package dev.dptrain.worker.data;

/** The one conversion of an 8-bit pixel to the float the network sees: value / 255 in [0, 1]. */
public final class PackedPixels {
  private PackedPixels() {}

  public static float value(byte b) {
    return (b & 0xff) * (1f / 255f);
  }

  /** Pixels [from, from + n) of {@code src} as floats into {@code dst} from {@code off}. */
  public static void convert(byte[] src, int from, int n, float[] dst, int off) {
    for (int j = 0; j < n; j++) dst[off + j] = (src[from + j] & 0xff) * (1f / 255f);
  }
}
