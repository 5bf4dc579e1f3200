package dev.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** The one-pass distributed fit equals the single-process fit, and is applied identically. */
class DistributedStandardizerTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();

  /** Pixel-like data with a large offset per channel (where sum-of-squares fits lose digits). */
  private static Dataset images(int n) {
    Shape shape = Shape.image(3, 4, 4);
    Rng rng = new Rng(11);
    float[] x = new float[n * shape.size()];
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < 3; c++) {
        for (int k = 0; k < 16; k++) x[(i * 3 + c) * 16 + k] = 1000f * (c + 1) + (float) rng.nextGaussian() * (c + 1);
      }
    }
    return new Dataset(shape, 1, x, new float[n]);
  }

  @Test
  void equalsTheSingleProcessFit() {
    Dataset d = images(301);
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, d, 4);
    for (Standardizer.Mode mode : new Standardizer.Mode[] {Standardizer.Mode.CENTER, Standardizer.Mode.STANDARDIZE}) {
      for (boolean perChannel : new boolean[] {false, true}) {
        Standardizer local = Standardizer.fit(d, mode, perChannel);
        Standardizer dist = DistributedStandardizer.fit(rdd, mode, perChannel, 2);
        assertEquals(perChannel ? 3 : 1, dist.mean().length);
        assertArrayEquals(local.mean(), dist.mean(), 1e-3f * 1e-3f * 3000f, mode + " " + perChannel);
        assertArrayEquals(local.std(), dist.std(), 1e-4f, mode + " " + perChannel);
        if (perChannel && mode == Standardizer.Mode.STANDARDIZE) {
          assertArrayEquals(new float[] {1, 2, 3}, dist.std(), 0.1f); // the data's own spread per channel
        }
      }
    }
  }

  @Test
  void appliesTheSameTransformAsTheDriverToEveryChunk() {
    Dataset d = images(50);
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, d, 3);
    Standardizer st = DistributedStandardizer.fit(rdd, Standardizer.Mode.STANDARDIZE, true, 2);
    float[] expected = d.features().clone();
    st.apply(expected, d.size(), d.shape());
    // Two partitions, the second one packed from several chunks.
    PackedPartition a = new PackedPartition(0, d.slice(0, 20));
    PackedPartition b = new PackedPartition(1, d.slice(20, 10));
    for (PackedPartition p : new PackedPartition[] {a, b}) assertEquals(p, DistributedStandardizer.applyInPlace(p, st));
    float[] got = new float[30 * d.shape().size()];
    float[] labels = new float[30];
    a.copy(0, 20, got, labels);
    float[] rest = new float[10 * d.shape().size()];
    b.copy(0, 10, rest, labels);
    System.arraycopy(rest, 0, got, 20 * d.shape().size(), rest.length);
    assertArrayEquals(java.util.Arrays.copyOf(expected, got.length), got);
  }
}
