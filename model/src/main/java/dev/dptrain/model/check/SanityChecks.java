package dev.dptrain.model.check;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Rng;
import dev.dptrain.model.config.LayerSpec;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Examples;
import dev.dptrain.model.layers.Layer;
import dev.dptrain.model.loss.MeanSquaredError;
import dev.dptrain.model.loss.SigmoidBinaryCrossEntropy;
import dev.dptrain.model.loss.SoftmaxCrossEntropy;
import dev.dptrain.model.optim.LrSchedule;
import dev.dptrain.model.train.LocalTrainer;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The checks of note 003 ("babysitting the learning process") to run before a long training: each
 * on a few examples, each a {@link Result} that says pass or fail and what that means.
 * <ol>
 *   <li>{@link #initialLoss}: at initialisation the loss is what an output without preference gives
 *       (ln C for softmax cross-entropy over C classes);</li>
 *   <li>{@link #regularisation}: switching on regularisation raises the loss;</li>
 *   <li>{@link #gradient}: back-propagation agrees with central differences of the loss;</li>
 *   <li>{@link #tinyOverfit}: without regularisation the network drives the loss of a tiny subset
 *       to near zero.</li>
 * </ol>
 * The checks read their examples from an {@link Examples} (a Spark task hands its partition in,
 * so no example goes through the driver).
 */
public final class SanityChecks {
  private SanityChecks() {}

  /** Which checks to run. */
  public enum Check { INITIAL_LOSS, REGULARISATION, GRADIENT, TINY_OVERFIT }

  /**
   * One check's outcome: pass/fail, the figure it judged ({@code value}, NaN when there is none)
   * against what passes ({@code expected}, in words with its threshold), what was measured in full
   * and what it means for this network.
   */
  public record Result(String name, boolean passed, double value, String expected, String measured, String meaning)
      implements Serializable {
    public String line() {
      return (passed ? "PASS " : "FAIL ") + name + ": " + measured + ". " + meaning;
    }
  }

  /** Examples of the tiny-overfit check (note 003: "e.g. 20 examples"). */
  public static final int TINY_EXAMPLES = 20;
  /** Examples of the gradient check: a few are enough, the cost is two passes per checked parameter. */
  public static final int GRADIENT_EXAMPLES = 4;
  /** Parameters checked per layer (chosen at random with the run's seed). */
  public static final int GRADIENT_PARAMS_PER_LAYER = 24;
  /** Weight decay the regularisation check switches on when the config has none. */
  public static final double PROBE_WEIGHT_DECAY = 1e-3;

  /** Runs the chosen checks on the first examples of {@code data} with the run's network and training settings. */
  public static List<Result> run(NetworkSpec net, TrainSpec spec, Examples data, List<Check> which, int overfitSteps) {
    List<Result> out = new ArrayList<>();
    Network network = Network.build(net);
    Dataset few = head(data, Math.min(data.size(), TINY_EXAMPLES));
    for (Check c : which) {
      out.add(switch (c) {
        case INITIAL_LOSS -> initialLoss(network, spec.seed(), few);
        case REGULARISATION -> regularisation(network, spec, few);
        case GRADIENT -> gradient(network, spec.seed(), head(few, Math.min(few.size(), GRADIENT_EXAMPLES)));
        case TINY_OVERFIT -> tinyOverfit(net, spec, few, overfitSteps);
      });
    }
    return out;
  }

  /** The first n examples as an in-memory data set. */
  public static Dataset head(Examples data, int n) {
    float[] x = new float[n * data.shape().size()];
    float[] y = new float[n * data.labelWidth()];
    data.copy(0, n, x, y);
    return new Dataset(data.shape(), data.labelWidth(), x, y);
  }

  /** Mean training-mode loss of the data at initialisation (seeded as the run). */
  private static double initialMeanLoss(Network network, float[] params, long seed, Dataset d) {
    GradientSum acc = new GradientSum();
    network.accumulateGradient(params, network.initState(), d.features(), d.labels(), d.size(), seed, acc);
    return acc.lossSum / acc.count;
  }

  /**
   * Initial loss against the value of an output without preference: ln C for softmax cross-entropy
   * over C classes, w·ln 2 for sigmoid cross-entropy over w outputs, and ½·mean ‖y‖² for squared
   * error (outputs at 0). Outputs z with a spread of s around that point add about s²/2·(C-1)/C
   * (softmax), s²/8 per output (sigmoid) or s²/2 per output (squared error); the check allows
   * s = 1, the spread a Xavier/He-initialised last layer gives on standardised input. A larger
   * initial loss means the initial weights are too large.
   */
  public static Result initialLoss(Network network, long seed, Dataset d) {
    double loss = initialMeanLoss(network, network.initParams(seed), seed, d);
    int w = network.outputSize();
    double expected;
    double allowed;
    String what;
    if (network.loss() instanceof SoftmaxCrossEntropy) {
      expected = Math.log(w);
      allowed = 0.5 * (w - 1) / w;
      what = String.format(Locale.ROOT, "ln C = ln %d = %.4f", w, expected);
    } else if (network.loss() instanceof SigmoidBinaryCrossEntropy) {
      expected = w * Math.log(2);
      allowed = w / 8.0;
      what = String.format(Locale.ROOT, "%d·ln 2 = %.4f", w, expected);
    } else if (network.loss() instanceof MeanSquaredError) {
      double sq = 0;
      for (float v : d.labels()) sq += (double) v * v;
      expected = 0.5 * sq / d.size();
      allowed = 0.5 * w;
      what = String.format(Locale.ROOT, "½·mean‖y‖² = %.4f", expected);
    } else {
      return new Result("initial-loss", true, Double.NaN, "none for loss " + network.loss().name(),
          "no expected value for loss " + network.loss().name(), "Skipped.");
    }
    boolean ok = Double.isFinite(loss) && Math.abs(loss - expected) <= allowed;
    String measured = String.format(Locale.ROOT, "initial loss %.4f on %d examples, expected %s ± %.3f",
        loss, d.size(), what, allowed);
    return new Result("initial-loss", ok, loss, String.format(Locale.ROOT, "%s ± %.3f", what, allowed), measured, ok
        ? "The network starts without preference among its outputs, as it should."
        : loss > expected
            ? "The initial outputs are far from neutral: the initial weights (or the input scale) are too large;"
                + " use xavier/he init and standardised input."
            : "The loss is below what a neutral output gives before any training: check the labels and the loss.");
  }

  /**
   * Data loss plus the configured penalty λ/2·‖w‖² + l1·‖w‖₁ (over every parameter, as the
   * {@link Stepper} regularises) against the data loss alone; with neither configured, a probe
   * λ = {@value #PROBE_WEIGHT_DECAY}. The rise must show above the float32 rounding of the loss.
   */
  public static Result regularisation(Network network, TrainSpec spec, Dataset d) {
    float[] params = network.initParams(spec.seed());
    double loss = initialMeanLoss(network, params, spec.seed(), d);
    boolean probe = spec.weightDecay() == 0 && spec.l1() == 0;
    double lambda = probe ? PROBE_WEIGHT_DECAY : spec.weightDecay();
    double sq = 0;
    double abs = 0;
    for (float v : params) {
      sq += (double) v * v;
      abs += Math.abs(v);
    }
    double penalty = lambda / 2 * sq + spec.l1() * abs;
    double rounding = FiniteDifferences.lossSumError(loss);
    boolean ok = penalty > rounding;
    String measured = String.format(Locale.ROOT, "loss %.6f without, %.6f with %s (penalty %.3g)", loss,
        loss + penalty, probe ? "a probe weight-decay " + lambda : "weight-decay " + lambda + ", l1 " + spec.l1(), penalty);
    return new Result("regularisation", ok, penalty, String.format(Locale.ROOT,
        "penalty > %.3g (the float32 rounding of the loss)", rounding), measured, ok
        ? "Regularisation raises the loss, as it should." + (probe ? " (The config has none; this run trains without.)" : "")
        : "The penalty does not show: the weights are (almost) all zero, so regularisation has nothing to act on"
            + " and identical neurons stay identical; use a random init.");
  }

  /** What a gradient check evaluates: the loss SUM at {@code params}, adding its gradient into {@code grad} when not null. */
  @FunctionalInterface
  public interface Objective {
    double lossSum(float[] params, float[] grad);
  }

  /** The network's training-mode loss sum over the examples, with fixed dropout masks (seed). */
  public static Objective objective(Network network, Dataset d, long seed) {
    float[] state = network.initState();
    return (params, grad) -> {
      GradientSum acc = new GradientSum();
      acc.grad = grad == null ? new float[network.paramCount()] : grad;
      network.accumulateGradient(params, state, d.features(), d.labels(), d.size(), seed, acc);
      return acc.lossSum;
    };
  }

  /** Finite-difference gradient check of the configured network on a few examples (see {@link #gradient(List, Objective, float[], long)}). */
  public static Result gradient(Network network, long seed, Dataset d) {
    List<int[]> layers = new ArrayList<>();
    int off = 0;
    for (Layer l : network.layers()) {
      if (l.paramCount() > 0) layers.add(new int[] {off, l.paramCount()});
      off += l.paramCount();
    }
    return gradient(layers, objective(network, d, seed), network.initParams(seed), seed);
  }

  /** Relative error above which an entry disagrees (the truncation error at h is about h² = 2.5e-5 relative). */
  static final double TOLERANCE = 1e-2;
  /** Step of the central differences. */
  static final double H = 5e-3;

  /**
   * Compares the analytic gradient with central differences at up to
   * {@value #GRADIENT_PARAMS_PER_LAYER} random parameters of every layer ({@code layers}: offset
   * and count of each layer's slice). Entries where both sides are below a thousandth of the largest
   * gradient are compared absolutely. A perturbation can carry a ReLU or max-pool input across its
   * kink, where the difference quotient is meaningless; such entries are rare and scattered, so the
   * check fails only when more than 5% of the entries checked in a layer disagree, as a wrong
   * backward makes most of them.
   */
  public static Result gradient(List<int[]> layers, Objective f, float[] params, long seed) {
    float[] grad = new float[params.length];
    double base = f.lossSum(params, grad);
    double maxGrad = 0;
    for (float g : grad) maxGrad = Math.max(maxGrad, Math.abs(g));
    double floor = Math.max(1e-3 * maxGrad, Float.MIN_NORMAL);
    Rng rng = Rng.derive(seed, 0x4743);
    int worstLayer = -1;
    double worstFraction = 0;
    double worstError = 0;
    int checked = 0;
    String worst = "";
    for (int k = 0; k < layers.size(); k++) {
      int from = layers.get(k)[0];
      int n = layers.get(k)[1];
      int m = Math.min(n, GRADIENT_PARAMS_PER_LAYER);
      int[] idx = new int[m];
      for (int j = 0; j < m; j++) idx[j] = from + (m == n ? j : rng.nextInt(n));
      FiniteDifferences.Numeric numeric = FiniteDifferences.centralDifferences(params, idx, H,
          FiniteDifferences.lossSumError(base), () -> f.lossSum(params, null));
      double[] analytic = new double[m];
      for (int j = 0; j < m; j++) analytic[j] = grad[idx[j]];
      int bad = 0;
      for (int j = 0; j < m; j++) {
        FiniteDifferences.Comparison c = FiniteDifferences.compare("", new double[] {analytic[j]},
            new FiniteDifferences.Numeric(new double[] {numeric.values()[j]}, new double[] {numeric.noise()[j]}), floor);
        if (!(c.maxError() <= TOLERANCE)) bad++;
      }
      checked += m;
      double fraction = (double) bad / m;
      FiniteDifferences.Comparison layer = FiniteDifferences.compare("parameters " + from + ".." + (from + n - 1),
          analytic, numeric, floor);
      if (worstLayer < 0 || fraction > worstFraction || (fraction == worstFraction && layer.maxError() > worstError)) {
        worstFraction = fraction;
        worstError = layer.maxError();
        worstLayer = k;
        worst = layer.toString();
      }
    }
    boolean ok = worstFraction <= 0.05;
    String measured = String.format(Locale.ROOT, "%d parameters in %d layers; worst layer (%d): %.0f%% of its entries"
        + " off by more than %.0e; %s", checked, layers.size(), worstLayer, 100 * worstFraction, TOLERANCE, worst);
    return new Result("gradient", ok, worstFraction, String.format(Locale.ROOT,
        "<= 0.05 of a layer's checked entries off by more than %.0e (worst layer's fraction)", TOLERANCE), measured, ok
        ? "Back-propagation agrees with finite differences of the loss."
        : "Back-propagation disagrees with the loss it should differentiate in parameter block " + worstLayer
            + ": a layer's backward is wrong.");
  }

  /** Loss at or below this fraction of the initial loss counts as "near zero". */
  static final double NEAR_ZERO = 0.05;
  private static final String NEAR_ZERO_WORDS = "final / initial loss <= " + NEAR_ZERO;

  /**
   * Trains the network (dropout layers removed, no weight decay, L1 or augmentation) on the
   * examples of {@code d}, all of them in every step, for {@code steps} steps at the configured
   * optimiser and base learning rate; passes when the training loss falls to at most
   * {@value #NEAR_ZERO} of its initial value. A network that cannot memorise 20 examples will not
   * learn the whole set; one that diverges has too large a learning rate.
   */
  public static Result tinyOverfit(NetworkSpec net, TrainSpec spec, Dataset d, int steps) {
    List<LayerSpec> kept = new ArrayList<>();
    for (LayerSpec l : net.layers()) if (!(l instanceof LayerSpec.DropoutSpec)) kept.add(l);
    NetworkSpec plain = new NetworkSpec(net.input(), kept, net.loss());
    TrainSpec tiny = spec.withRegularisation(0, 0, spec.clipNorm()).withAugmentation(Augmentation.NONE).withEarlyStopping(null)
        .withSchedule(LrSchedule.constant(spec.schedule().baseLr())).withBatch(d.size()).withEpochs(steps);
    double[] first = {Double.NaN};
    double[] last = {Double.NaN};
    String name = "tiny-overfit";
    try {
      new LocalTrainer(plain, tiny).fit(d, null, new TrainingLoop.Listener() {
        @Override
        public void onStep(Stepper.StepInfo info, long wallNanos, long computeNanos) {
          if (info.step() == 0) first[0] = info.loss();
          last[0] = info.loss();
        }
      });
    } catch (ArithmeticException e) {
      return new Result(name, false, Double.NaN, NEAR_ZERO_WORDS, String.format(Locale.ROOT,
          "%d examples, lr %.3g: diverged (%s)", d.size(),
          spec.schedule().baseLr(), e.getMessage()), "The learning rate is too high: lower it (try dptrain lr-find).");
    }
    boolean ok = Double.isFinite(last[0]) && last[0] <= NEAR_ZERO * first[0];
    String measured = String.format(Locale.ROOT, "%d examples, %d steps at lr %.3g without regularisation: loss %.4f -> %.4f"
        + " (near zero: <= %.0f%% of the start)", d.size(), steps, spec.schedule().baseLr(), first[0], last[0], 100 * NEAR_ZERO);
    return new Result(name, ok, last[0] / first[0], NEAR_ZERO_WORDS, measured, ok
        ? "The network can memorise a tiny subset, as it should."
        : !Double.isFinite(last[0]) || last[0] > first[0]
            ? "The loss grew: the learning rate is too high (try dptrain lr-find)."
            : "The loss did not reach zero: too low a learning rate, too few steps, too small a network, or a bug.");
  }
}
