package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Augmentation wired into training: SliceGradient augments with the batch seed, trainers use it. */
class AugmentedTrainingTest {
  private static final Shape IMG = Shape.image(1, 6, 6);
  private static final Augmentation AUG = new Augmentation(true, 2);

  /** Images with a bright left or right half; class = which half. Flips swap the classes' looks. */
  private static Dataset halves(int n, long seed) {
    Rng r = new Rng(seed);
    float[] x = new float[n * IMG.size()];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(2);
      y[i] = c;
      for (int h = 0; h < 6; h++) {
        for (int w = 0; w < 6; w++) {
          boolean bright = (w < 3) == (c == 0);
          x[i * 36 + h * 6 + w] = (float) ((bright ? 1 : 0) + 0.1 * r.nextGaussian());
        }
      }
    }
    return new Dataset(IMG, 1, x, y);
  }

  private static NetworkSpec net() {
    return NetworkSpec.builder(IMG).dense(8).relu().dense(2).loss("softmax_cross_entropy").build();
  }

  @Test
  void sliceGradientAugmentsTheGatheredBatchWithTheBatchSeed() {
    Dataset data = halves(20, 1);
    Network network = Network.build(net());
    float[] params = network.initParams(3);
    int[] order = {4, 9, 0, 17, 3, 11, 8};
    int from = 1;
    int to = 6;
    long seed = 12345;

    GradientSum viaSlice = new GradientSum();
    new SliceGradient().accumulate(network, params, null, data, order, from, to, seed, AUG, viaSlice);

    int n = to - from;
    float[] xb = new float[n * IMG.size()];
    float[] yb = new float[n];
    data.gather(order, from, n, xb, yb);
    float[] plain = xb.clone();
    AUG.apply(xb, n, IMG, seed);
    assertFalse(Arrays.equals(plain, xb), "this seed should augment something");
    GradientSum manual = new GradientSum();
    network.accumulateGradient(params, null, xb, yb, n, seed, manual);
    assertArrayEquals(manual.grad, viaSlice.grad, "SliceGradient = gather, augment(batch seed), gradient");
    assertEquals(manual.lossSum, viaSlice.lossSum);

    GradientSum unaugmented = new GradientSum();
    new SliceGradient().accumulate(network, params, null, data, order, from, to, seed, Augmentation.NONE, unaugmented);
    assertFalse(Arrays.equals(unaugmented.grad, viaSlice.grad), "augmentation did not reach the gradient");

    // A retried task: same arguments, identical result; the data set itself is never modified.
    float[] before = data.features().clone();
    GradientSum retry = new GradientSum();
    new SliceGradient().accumulate(network, params, null, data, order, from, to, seed, AUG, retry);
    assertArrayEquals(viaSlice.grad, retry.grad);
    assertArrayEquals(before, data.features(), "augmentation must work on the gathered copy only");
  }

  @Test
  void localTrainingWithAugmentationIsDeterministicAndDiffers() {
    Dataset train = halves(128, 2);
    TrainSpec base = TrainSpec.sgdMomentum(0.05).withBatch(16).withEpochs(2);
    TrainingState a = new LocalTrainer(net(), base.withAugmentation(AUG), 2).fit(train, null, new TrainingLoop.Listener() {});
    TrainingState b = new LocalTrainer(net(), base.withAugmentation(AUG), 2).fit(train, null, new TrainingLoop.Listener() {});
    TrainingState plain = new LocalTrainer(net(), base, 2).fit(train, null, new TrainingLoop.Listener() {});
    assertArrayEquals(a.params, b.params, "same seed, same augmented run");
    assertFalse(Arrays.equals(a.params, plain.params), "augmentation changed nothing");
    for (float p : a.params) assertTrue(Float.isFinite(p));
  }

  @Test
  void vectorInputIsRefused() {
    NetworkSpec mlp = NetworkSpec.builder(Shape.vector(4)).dense(2).build();
    String m = assertThrows(IllegalArgumentException.class,
        () -> new LocalTrainer(mlp, TrainSpec.sgdMomentum(0.1).withAugmentation(new Augmentation(true, 0)))).getMessage();
    assertTrue(m.contains("image input") && m.contains("[4]"), m);
    new LocalTrainer(mlp, TrainSpec.sgdMomentum(0.1)); // no augmentation: fine
  }
}
