package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/** Standardisation fitted in one Spark pass equals the fit on the whole data set, and applies identically. */
class DistributedStandardizerTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();

  /** Two channels with very different means and spreads, in three unequal partitions (one empty). */
  private static Dataset images(int n) {
    Shape shape = Shape.image(2, 3, 3);
    Rng rng = new Rng(31);
    float[] x = new float[n * 18];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < 9; k++) {
        x[i * 18 + k] = (float) (5 + 2 * rng.nextGaussian());
        x[i * 18 + 9 + k] = (float) (-1 + 0.1 * rng.nextGaussian());
      }
    }
    return new Dataset(shape, 1, x, new float[n]);
  }

  private static JavaRDD<PackedPartition> partitioned(JavaSparkContext sc, Dataset d, int... sizes) {
    List<PackedPartition> blocks = new ArrayList<>();
    int start = 0;
    for (int p = 0; p < sizes.length; p++) {
      blocks.add(new PackedPartition(p, d.slice(start, sizes[p])));
      start += sizes[p];
    }
    return PackedData.fromBlocks(sc, blocks);
  }

  @Test
  void distributedFitEqualsWholeDataFit() {
    Dataset d = images(120);
    for (Standardizer.Mode mode : new Standardizer.Mode[] {Standardizer.Mode.CENTER, Standardizer.Mode.STANDARDIZE}) {
      for (boolean perChannel : new boolean[] {false, true}) {
        Standardizer local = Standardizer.fit(d, mode, perChannel);
        Standardizer dist = PackedData.fitStandardizer(sc, partitioned(sc, d, 50, 0, 70), mode, perChannel);
        assertEquals(local.mean().length, dist.mean().length);
        for (int g = 0; g < local.mean().length; g++) {
          assertEquals(local.mean()[g], dist.mean()[g], 1e-5 * Math.abs(local.mean()[g]), mode + " mean " + g);
          assertEquals(local.std()[g], dist.std()[g], 1e-5 * local.std()[g], mode + " std " + g);
        }
        if (perChannel) assertNotEquals(dist.mean()[0], dist.mean()[1], 1.0, "channels should differ");
      }
    }
  }

  @Test
  void standardizeOnExecutorsEqualsLocalApply() {
    Dataset d = images(90);
    Standardizer st = Standardizer.fit(d, Standardizer.Mode.STANDARDIZE, true);
    JavaRDD<PackedPartition> out = PackedData.standardize(partitioned(sc, d, 40, 50), st);
    float[] expected = d.features().clone();
    st.apply(expected, d.size(), d.shape());
    List<PackedPartition> parts = out.collect();
    assertEquals(0, parts.get(0).index());
    float[] got = new float[expected.length];
    System.arraycopy(parts.get(0).data().features(), 0, got, 0, 40 * 18);
    System.arraycopy(parts.get(1).data().features(), 0, got, 40 * 18, 50 * 18);
    for (int i = 0; i < got.length; i++) assertEquals(expected[i], got[i], 0f, "value " + i);
  }
}
