package dev.dptrain.model.train;

import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.optim.Optimizer;
import dev.dptrain.model.optim.Sgd;
import java.io.Serializable;

/**
 * How to train: optimiser, learning-rate schedule, regularisation and batching. The same spec
 * drives the single-process trainer and the Spark loop.
 *
 * @param weightDecay L2 coefficient λ: adds λw to the gradient (w ← (1-ηλ)w - η∇J), or is applied
 *     decoupled by AdamW
 * @param l1 L1 coefficient: adds l1·sign(w) to the gradient
 * @param clipNorm clip the whole gradient to this global L2 norm; 0 disables clipping
 * @param batchSize global mini-batch size (examples per step across all partitions)
 * @param augment random augmentation of every training batch ({@link Augmentation#NONE} for none)
 * @param earlyStopping when to stop before the last epoch; null = never
 */
public record TrainSpec(Optimizer optimizer, LrSchedule schedule, double weightDecay, double l1,
                        double clipNorm, int batchSize, int epochs, long seed,
                        Augmentation augment, EarlyStopping earlyStopping)
    implements Serializable {
  public TrainSpec {
    if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight-decay must be >= 0, got " + weightDecay);
    if (!(l1 >= 0)) throw new IllegalArgumentException("l1 must be >= 0, got " + l1);
    if (!(clipNorm >= 0)) throw new IllegalArgumentException("clip-norm must be >= 0 (0 = off), got " + clipNorm);
    if (batchSize <= 0) throw new IllegalArgumentException("batch-size must be positive, got " + batchSize);
    if (epochs <= 0) throw new IllegalArgumentException("epochs must be positive, got " + epochs);
    if (augment == null) augment = Augmentation.NONE;
  }

  /** Learning rate of SGD when the config names none. */
  public static final double DEFAULT_SGD_LR = 0.01;
  /** Learning rate of Adam/AdamW when the config names none. */
  public static final double DEFAULT_ADAM_LR = 1e-3;

  /**
   * THE defaults, those of an empty {@code train} block (docs/config.md): plain SGD at lr
   * {@value #DEFAULT_SGD_LR}, constant schedule, no regularisation or clipping, batch 128,
   * 10 epochs, seed 42, no augmentation. The config reader takes its defaults from here.
   */
  public static TrainSpec defaults() {
    return new TrainSpec(new Sgd(0, false), LrSchedule.constant(DEFAULT_SGD_LR), 0, 0, 0, 128, 10, 42,
        Augmentation.NONE, null);
  }

  /**
   * A short run for tests and benchmarks: {@link #defaults()} with SGD momentum 0.9 at a constant
   * {@code lr} for 1 epoch; change with the with* methods.
   */
  public static TrainSpec sgdMomentum(double lr) {
    return defaults().withOptimizer(new Sgd(0.9, false)).withSchedule(LrSchedule.constant(lr)).withEpochs(1);
  }

  public TrainSpec withOptimizer(Optimizer o) {
    return new TrainSpec(o, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withSchedule(LrSchedule s) {
    return new TrainSpec(optimizer, s, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withRegularisation(double weightDecay, double l1, double clipNorm) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withBatch(int batchSize) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withEpochs(int epochs) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withAugmentation(Augmentation augment) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withEarlyStopping(EarlyStopping earlyStopping) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }

  public TrainSpec withSeed(long seed) {
    return new TrainSpec(optimizer, schedule, weightDecay, l1, clipNorm, batchSize, epochs, seed, augment, earlyStopping);
  }
}
