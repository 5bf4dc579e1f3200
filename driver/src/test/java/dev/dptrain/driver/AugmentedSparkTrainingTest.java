package dev.dptrain.driver;

import dev.dptrain.driver.data.PackedData;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.layers.PReLU;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * Image augmentation and the per-example normalisation / learned-activation layers on Spark: the
 * workers augment exactly like the single-process trainer (same batch seeds), and a retried task
 * augments its batch identically.
 */
class AugmentedSparkTrainingTest {
  private static final Shape IMG = Shape.image(2, 4, 4);
  private final JavaSparkContext sc = SparkTestSupport.sc();

  private static Dataset images(int n, long seed) {
    Dataset flat = SparkTestSupport.blobs(n, IMG.size(), 3, seed);
    return new Dataset(IMG, flat.labelWidth(), flat.features(), flat.labels());
  }

  private static NetworkSpec net() {
    return NetworkSpec.builder(IMG).groupNorm(2).prelu(PReLU.Mode.CHANNEL).instanceNorm(true)
        .maxout(10, 2).layerNorm().weightNormDense(3).build();
  }

  private static final TrainSpec SPEC = TrainSpec.sgdMomentum(0.05).withBatch(30).withEpochs(2)
      .withAugmentation(new Augmentation(true, 1));

  @Test
  void sparkAugmentsLikeTheLocalTrainer() {
    Dataset data = images(300, 11);
    TrainingState dist = new SparkTrainer(sc, net(), SPEC, SparkTrainer.Options.defaults())
        .fit(PackedData.fromDataset(sc, data, 3), null, new TrainingLoop.Listener() {});
    TrainingState local = new LocalTrainer(net(), SPEC, 3).fit(data, null, new TrainingLoop.Listener() {});
    TrainingState plain = new LocalTrainer(net(), SPEC.withAugmentation(Augmentation.NONE), 3)
        .fit(data, null, new TrainingLoop.Listener() {});
    assertEquals(local.step, dist.step);
    double worst = 0;
    double vsPlain = 0;
    for (int i = 0; i < local.params.length; i++) {
      double scale = Math.max(1e-3, Math.abs(local.params[i]) + Math.abs(dist.params[i]));
      worst = Math.max(worst, Math.abs(local.params[i] - dist.params[i]) / scale);
      double plainScale = Math.max(1e-3, Math.abs(local.params[i]) + Math.abs(plain.params[i]));
      vsPlain = Math.max(vsPlain, Math.abs(local.params[i] - plain.params[i]) / plainScale);
    }
    // The gradient sums are merged in a different order (treeAggregate vs a loop), so float
    // rounding differs slightly; 20 steps through four normalising layers leave ~1e-5. An
    // augmentation drawn differently on either side moves parameters by > 1e-3 (checked below).
    assertTrue(worst < 1e-4, "Spark and local augmented runs differ: " + worst);
    assertTrue(vsPlain > 1e-3, "augmentation made no difference: " + vsPlain);
    for (float p : dist.params) assertTrue(Float.isFinite(p));
    for (float p : plain.params) assertTrue(Float.isFinite(p));
  }

  @Test
  void retriedTaskAugmentsIdentically() {
    Dataset data = images(200, 12);
    JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, data, 2);
    TrainingState clean = new SparkTrainer(sc, net(), SPEC, SparkTrainer.Options.defaults())
        .fit(rdd, null, new TrainingLoop.Listener() {});
    TrainingState retried = SparkTestSupport.failingFirstAttemptAt(2, () -> new SparkTrainer(sc, net(), SPEC,
        SparkTrainer.Options.defaults()).fit(rdd, null, new TrainingLoop.Listener() {}));
    assertArrayEquals(clean.params, retried.params);
    TrainingState otherSeed = new SparkTrainer(sc, net(), SPEC.withSeed(43), SparkTrainer.Options.defaults())
        .fit(rdd, null, new TrainingLoop.Listener() {});
    assertFalse(Arrays.equals(clean.params, otherSeed.params));
  }
}
