package dev.dptrain.driver.data;

import dev.dptrain.model.data.Moments;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;

/**
 * Fits a {@link Standardizer} in ONE distributed pass: per-chunk [n, mean, M2] per group in
 * double, merged with Chan's formula within each partition ({@link PackedPartition#moments}) and
 * then in a {@code treeAggregate}; and applies one to a packed partition on its executor.
 */
public final class DistributedStandardizer {
  private DistributedStandardizer() {}

  public static Standardizer fit(JavaRDD<PackedPartition> data, Standardizer.Mode mode, boolean perChannel, int depth) {
    if (mode == Standardizer.Mode.NONE) return Standardizer.NONE;
    double[] moments = DistributedData.run(() -> data.map(p -> p.moments(perChannel))
        .treeAggregate(null, DistributedStandardizer::mergeNullable, DistributedStandardizer::mergeNullable, depth));
    if (moments == null) throw new IllegalArgumentException("cannot fit a standardisation on an empty data set");
    return Standardizer.fromCentralMoments(mode, perChannel, moments);
  }

  /**
   * The training targets' mean and (population) std over all label values, in one distributed
   * pass ({@code data.standardize-target}); std 1 for constant targets, as for features.
   */
  public static float[] fitTarget(JavaRDD<PackedPartition> data, int depth) {
    double[] m = DistributedData.run(() -> data.map(PackedPartition::labelMoments)
        .treeAggregate(null, DistributedStandardizer::mergeNullable, DistributedStandardizer::mergeNullable, depth));
    if (m == null) throw new IllegalArgumentException("cannot fit a target standardisation on an empty data set");
    Standardizer t = Standardizer.fromCentralMoments(Standardizer.Mode.STANDARDIZE, false, m);
    return new float[] {t.mean()[0], t.std()[0]};
  }

  private static double[] mergeNullable(double[] a, double[] b) {
    return a == null ? b : b == null ? a : Moments.merge(a, b);
  }

  /** Standardises the partition (see {@link PackedPartition#standardize}) and returns it. */
  public static PackedPartition applyInPlace(PackedPartition p, Standardizer st) {
    return p.standardize(st);
  }
}
