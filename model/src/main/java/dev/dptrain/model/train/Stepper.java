package dev.dptrain.model.train;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;

/**
 * Applies one step from a summed gradient, identically for the single-process and the Spark
 * trainer, in this order:
 * <ol>
 *   <li>average: g = Σg / N (N = examples in the global batch);</li>
 *   <li>regularise: g += l1·sign(w) + λ·w (λ·w skipped when the optimiser decouples it);</li>
 *   <li>clip: g *= min(1, c / ‖g‖₂) over the whole vector;</li>
 *   <li>optimiser step with the scheduled learning rate;</li>
 *   <li>running statistics of normalisation layers from the POOLED batch statistics.</li>
 * </ol>
 */
public final class Stepper {
  private final Network network;
  private final TrainSpec spec;
  private final long runSteps;

  public Stepper(Network network, TrainSpec spec, long runSteps) {
    this.network = network;
    this.spec = spec;
    this.runSteps = runSteps;
  }

  /** A fresh state: initial parameters from the seed, zero optimiser state, initial statistics. */
  public TrainingState initialState() {
    float[] params = network.initParams(spec.seed());
    return new TrainingState(params, new float[spec.optimizer().stateSize(params.length)],
        network.initState(), spec.seed());
  }

  /** What one step did, for logs and diagnostics. */
  public record StepInfo(long step, double lr, double loss, double accuracy, double gradNorm, long examples) {}

  /** Applies {@code sum} to {@code state} (consuming sum.grad as scratch) and advances the step. */
  public StepInfo apply(TrainingState state, GradientSum sum) {
    if (sum.count == 0) throw new IllegalArgumentException("a step needs at least one example");
    float[] g = sum.grad;
    float[] w = state.params;
    float inv = (float) (1.0 / sum.count);
    float wd = spec.optimizer().decoupledWeightDecay() ? 0f : (float) spec.weightDecay();
    float l1 = (float) spec.l1();
    double sq = 0;
    for (int i = 0; i < g.length; i++) {
      float gi = g[i] * inv + wd * w[i];
      if (l1 != 0) gi += l1 * Math.signum(w[i]);
      g[i] = gi;
      sq += (double) gi * gi;
    }
    double norm = Math.sqrt(sq);
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("gradient norm is " + norm + " at step " + state.step
          + ": the loss diverged; lower the learning rate or enable clip-norm");
    }
    if (spec.clipNorm() > 0 && norm > spec.clipNorm()) {
      float scale = (float) (spec.clipNorm() / norm);
      for (int i = 0; i < g.length; i++) g[i] *= scale;
    }
    double lr = spec.schedule().forRun(runSteps).lr(state.step);
    spec.optimizer().step(w, g, state.optimizerState, lr, state.step + 1);
    if (sum.normStats != null) network.updateRunningStats(state.normState, sum.normStats);
    StepInfo info = new StepInfo(state.step, lr, sum.lossSum / sum.count,
        network.loss().hasAccuracy() ? (double) sum.correct / sum.count : Double.NaN, norm, sum.count);
    state.step++;
    state.stepInEpoch++;
    return info;
  }
}
