package dev.dptrain.model.data;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;

/**
 * Random image augmentation of a gathered TRAINING batch, applied in place, per example: a
 * horizontal flip with probability 1/2 (when {@code flip}), then a random crop of H x W from the
 * image zero-padded by {@code cropPadding} = P on every side (when P &gt; 0), i.e. a shift by
 * (dy, dx) uniform in [−P, P]² with zeros filling in:
 *
 * <pre>  out[c][h][w] = in[c][h − dy][w − dx]  (0 where that is outside the image)  </pre>
 *
 * All draws come from {@code Rng.derive(seed, STREAM)}, per example in batch order: the flip
 * decision, then dy + P, then dx + P. Given the batch seed of a step and partition, a retried task
 * or a resumed run gets the identical batch. Validation and inference never augment.
 *
 * @param flip random horizontal flip with probability 1/2
 * @param cropPadding P ≥ 0; 0 disables the random crop
 */
public record Augmentation(boolean flip, int cropPadding) implements java.io.Serializable {
  /** No augmentation. */
  public static final Augmentation NONE = new Augmentation(false, 0);
  /** Stream tag: keeps augmentation draws apart from the layers' streams of the same seed. */
  public static final long STREAM = 0x4155474D454E54L;

  public Augmentation {
    if (cropPadding < 0) throw new IllegalArgumentException("crop-padding must be >= 0, got " + cropPadding);
  }

  public boolean enabled() {
    return flip || cropPadding > 0;
  }

  /** Throws when this augmentation cannot apply to examples of {@code shape}. */
  public void checkFits(Shape shape) {
    if (!enabled()) return;
    if (shape.isVector()) {
      throw new IllegalArgumentException("augmentation (flip, crop-padding) needs image input [c, h, w], "
          + "got the vector input " + shape + "; remove the train.augment block");
    }
    if (cropPadding >= Math.min(shape.height(), shape.width())) {
      throw new IllegalArgumentException("crop-padding = " + cropPadding + " must be smaller than the image's "
          + "height and width, got input " + shape);
    }
  }

  /** Augments the first n examples of {@code batch} (CHW each) in place. */
  public void apply(float[] batch, int n, Shape shape, long seed) {
    if (!enabled()) return;
    checkFits(shape);
    int h = shape.height();
    int w = shape.width();
    int plane = h * w;
    float[] scratch = new float[plane];
    Rng rng = Rng.derive(seed, STREAM);
    for (int i = 0; i < n; i++) {
      boolean mirror = flip && rng.nextFloat() < 0.5f;
      int dy = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
      int dx = cropPadding > 0 ? rng.nextInt(2 * cropPadding + 1) - cropPadding : 0;
      if (!mirror && dy == 0 && dx == 0) continue;
      for (int c = 0; c < shape.channels(); c++) {
        int off = (i * shape.channels() + c) * plane;
        System.arraycopy(batch, off, scratch, 0, plane);
        for (int r = 0; r < h; r++) {
          int src = r - dy;
          int dst = off + r * w;
          if (src < 0 || src >= h) {
            java.util.Arrays.fill(batch, dst, dst + w, 0f);
            continue;
          }
          for (int col = 0; col < w; col++) {
            int sc = col - dx;
            // Flip first, then shift: the shifted pixel comes from column (w-1-sc) of the original.
            batch[dst + col] = sc < 0 || sc >= w ? 0f : scratch[src * w + (mirror ? w - 1 - sc : sc)];
          }
        }
      }
    }
  }
}
