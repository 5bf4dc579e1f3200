package dev.dptrain.model.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.layers.Activation;
import dev.dptrain.model.optim.Adam;
import dev.dptrain.model.optim.LrSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalTrainerTest {
  /** Two Gaussian blobs in 2-D, centres (-1.5, -1.5) and (1.5, 1.5), σ = 0.7. Bayes error ≈ 0.1%. */
  private static Dataset blobs(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[2 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int c = r.nextInt(2);
      double m = c == 0 ? -1.5 : 1.5;
      x[2 * i] = (float) (m + 0.7 * r.nextGaussian());
      x[2 * i + 1] = (float) (m + 0.7 * r.nextGaussian());
      y[i] = c;
    }
    return new Dataset(Shape.vector(2), 1, x, y);
  }

  /** XOR: four clusters at (±1, ±1), class = sign(x0) != sign(x1); not linearly separable. */
  private static Dataset xor(int n, long seed) {
    Random r = new Random(seed);
    float[] x = new float[2 * n];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      int a = r.nextInt(2);
      int b = r.nextInt(2);
      x[2 * i] = (float) ((a == 0 ? -1 : 1) + 0.25 * r.nextGaussian());
      x[2 * i + 1] = (float) ((b == 0 ? -1 : 1) + 0.25 * r.nextGaussian());
      y[i] = a ^ b;
    }
    return new Dataset(Shape.vector(2), 1, x, y);
  }

  private static NetworkSpec mlp(int hidden) {
    return NetworkSpec.builder(Shape.vector(2)).dense(hidden).relu().dense(2).loss("softmax_cross_entropy").build();
  }

  private static final TrainingLoop.Listener QUIET = new TrainingLoop.Listener() {};

  @Test
  void separatesTwoBlobs() {
    Dataset train = blobs(512, 1);
    Dataset test = blobs(1000, 2);
    LocalTrainer t = new LocalTrainer(mlp(8), TrainSpec.sgdMomentum(0.05).withBatch(32).withEpochs(3));
    List<Evaluation> epochs = new ArrayList<>();
    int[] steps = {0};
    TrainingState st = t.fit(train, null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        assertEquals(steps[0], info.step());
        steps[0]++;
      }

      @Override
      public void onEpoch(int epoch, Evaluation tr, Evaluation validation) {
        assertEquals(epochs.size(), epoch);
        epochs.add(tr);
      }
    });
    assertEquals(3 * 16, steps[0], "ceil(512/32) = 16 steps per epoch");
    assertEquals(3, epochs.size());
    assertEquals(512, epochs.get(0).count, "every example once per epoch");
    Evaluation ev = LocalTrainer.evaluate(t.network(), st, test, 100);
    assertEquals(1000, ev.count);
    assertTrue(ev.accuracy() > 0.95, "test accuracy " + ev);
  }

  @Test
  void learnsXorWithAHiddenLayer() {
    Dataset train = xor(800, 3);
    Dataset test = xor(1000, 4);
    NetworkSpec net = NetworkSpec.builder(Shape.vector(2)).dense(16).activation(Activation.Kind.TANH, 0)
        .dense(2).loss("softmax_cross_entropy").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.01).withOptimizer(new Adam(0.9, 0.999, 1e-8, 0)).withBatch(32).withEpochs(8);
    LocalTrainer t = new LocalTrainer(net, spec);
    Evaluation[] val = new Evaluation[1];
    TrainingState st = t.fit(train, test, new TrainingLoop.Listener() {
      @Override
      public void onEpoch(int epoch, Evaluation tr, Evaluation validation) {
        val[0] = validation;
      }
    });
    Evaluation ev = LocalTrainer.evaluate(t.network(), st, test, 128);
    assertTrue(ev.accuracy() > 0.95, "XOR test accuracy " + ev);
    // The validation evaluation of the last epoch is the same evaluation.
    assertEquals(ev.correct, val[0].correct);
    assertEquals(ev.lossSum, val[0].lossSum, 1e-6 * Math.abs(ev.lossSum));
  }

  @Test
  void linearModelCannotLearnXor() {
    // Sanity check of the XOR data: without a hidden layer accuracy stays near chance, so the
    // previous test really exercises the hidden layer.
    NetworkSpec linear = NetworkSpec.builder(Shape.vector(2)).dense(2).loss("softmax_cross_entropy").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.01).withOptimizer(new Adam(0.9, 0.999, 1e-8, 0)).withBatch(32).withEpochs(8);
    LocalTrainer t = new LocalTrainer(linear, spec);
    TrainingState st = t.fit(xor(800, 3), null, QUIET);
    assertTrue(LocalTrainer.evaluate(t.network(), st, xor(1000, 4), 128).accuracy() < 0.8);
  }

  private static TrainingState run(long seed, int ghosts) {
    NetworkSpec net = NetworkSpec.builder(Shape.vector(2)).dense(16).batchNorm().relu().dropout(0.2)
        .dense(2).loss("softmax_cross_entropy").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.05).withBatch(32).withEpochs(2).withSeed(seed);
    return new LocalTrainer(net, spec, ghosts).fit(blobs(300, 5), null, QUIET);
  }

  @Test
  void sameSeedIsBitIdenticalDifferentSeedDiffers() {
    TrainingState a = run(11, 1);
    TrainingState b = run(11, 1);
    assertBitIdentical(a.params, b.params);
    assertBitIdentical(a.optimizerState, b.optimizerState);
    assertBitIdentical(a.normState, b.normState);
    assertEquals(a.step, b.step);
    TrainingState c = run(12, 1);
    assertFalse(java.util.Arrays.equals(a.params, c.params), "a different seed must give different parameters");
    // Ghost batches are deterministic too, and differ from one batch (separate batch statistics).
    TrainingState g1 = run(11, 3);
    TrainingState g2 = run(11, 3);
    assertBitIdentical(g1.params, g2.params);
    assertFalse(java.util.Arrays.equals(a.params, g1.params));
  }

  private static void assertBitIdentical(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    for (int i = 0; i < a.length; i++) {
      assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]), "element " + i);
    }
  }

  @Test
  void overfitsATinySubset() {
    // 16 examples of 8 random features with random labels among 4 classes: nothing to generalise,
    // only to memorise. No regularisation, full batch.
    Random r = new Random(77);
    float[] x = new float[16 * 8];
    float[] y = new float[16];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    for (int i = 0; i < 16; i++) y[i] = r.nextInt(4);
    Dataset d = new Dataset(Shape.vector(8), 1, x, y);
    NetworkSpec net = NetworkSpec.builder(Shape.vector(8)).dense(64).relu().dense(4).loss("softmax_cross_entropy").build();
    TrainSpec spec = TrainSpec.sgdMomentum(0.01).withOptimizer(new Adam(0.9, 0.999, 1e-8, 0))
        .withSchedule(LrSchedule.constant(0.01)).withRegularisation(0, 0, 0).withBatch(16).withEpochs(300);
    LocalTrainer t = new LocalTrainer(net, spec);
    double[] firstLoss = {Double.NaN};
    TrainingState st = t.fit(d, null, new TrainingLoop.Listener() {
      @Override
      public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
        if (info.step() == 0) firstLoss[0] = info.loss();
      }
    });
    Evaluation ev = LocalTrainer.evaluate(t.network(), st, d, 16);
    // Chance level is log 4 ≈ 1.39.
    assertTrue(firstLoss[0] > 0.5, "initial loss " + firstLoss[0]);
    assertTrue(ev.meanLoss() < 0.02, "final training loss " + ev.meanLoss());
    assertEquals(1.0, ev.accuracy(), 0);
  }
}
