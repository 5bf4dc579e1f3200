package dev.dptrain.model.init;

import dev.dptrain.model.Rng;
import java.util.Locale;

/**
 * Weight initialisation schemes. fanIn/fanOut are the number of inputs/outputs that feed one
 * weight's neuron (for a convolution: channels x kernel area).
 *
 * <ul>
 *   <li>{@code xavier_uniform}: U[-√(6/(fanIn+fanOut)), +√(6/(fanIn+fanOut))] (Glorot &amp; Bengio, 2010)</li>
 *   <li>{@code xavier_normal}: N(0, 2/(fanIn+fanOut))</li>
 *   <li>{@code he_normal}: N(0, 2/fanIn); {@code he_uniform}: U[-√(6/fanIn), +√(6/fanIn)] (He et al., 2015)</li>
 *   <li>{@code gaussian}: N(0, σ²) with σ = {@code sigma}</li>
 * </ul>
 *
 * Constant schemes (zeros, ones, any constant) are only for biases and normalisation parameters:
 * {@link #forWeights} refuses them, because equal weights never break symmetry.
 */
public record Init(Scheme scheme, double sigma) implements java.io.Serializable {
  public enum Scheme { XAVIER_UNIFORM, XAVIER_NORMAL, HE_NORMAL, HE_UNIFORM, GAUSSIAN, CONSTANT }

  public static final Init XAVIER_UNIFORM = new Init(Scheme.XAVIER_UNIFORM, 0);
  public static final Init XAVIER_NORMAL = new Init(Scheme.XAVIER_NORMAL, 0);
  public static final Init HE_NORMAL = new Init(Scheme.HE_NORMAL, 0);
  public static final Init HE_UNIFORM = new Init(Scheme.HE_UNIFORM, 0);

  public static Init gaussian(double sigma) {
    if (!(sigma > 0) || Double.isInfinite(sigma)) {
      throw new IllegalArgumentException("gaussian init needs sigma > 0, got " + sigma);
    }
    return new Init(Scheme.GAUSSIAN, sigma);
  }

  /** All weights equal to {@code value}; refused by {@link #forWeights}. */
  public static Init constant(double value) {
    return new Init(Scheme.CONSTANT, value);
  }

  /**
   * Parses {@code xavier_uniform}, {@code xavier_normal}, {@code he_normal}, {@code he_uniform},
   * {@code gaussian} (with sigma), {@code zeros}, {@code ones}.
   */
  public static Init parse(String name, double sigma) {
    return switch (name.toLowerCase(Locale.ROOT).replace('-', '_')) {
      case "xavier_uniform", "glorot_uniform", "xavier", "glorot" -> XAVIER_UNIFORM;
      case "xavier_normal", "glorot_normal" -> XAVIER_NORMAL;
      case "he_normal", "kaiming_normal", "he" -> HE_NORMAL;
      case "he_uniform", "kaiming_uniform" -> HE_UNIFORM;
      case "gaussian", "normal" -> gaussian(sigma);
      case "zeros", "zero" -> constant(0);
      case "ones" -> constant(1);
      default -> throw new IllegalArgumentException("unknown init '" + name + "'; expected one of "
          + "xavier_uniform, xavier_normal, he_normal, he_uniform, gaussian, zeros, ones");
    };
  }

  /** This scheme, checked to be usable for a weight matrix. */
  public Init forWeights(String layer) {
    if (scheme == Scheme.CONSTANT) {
      throw new IllegalArgumentException(layer + ": refusing to initialise weights to the constant "
          + sigma + ". Equal weights never break symmetry: every neuron of the layer gets the same "
          + "gradient and stays identical to its neighbours for the whole run. Use he_normal or "
          + "he_uniform for ReLU-family activations, xavier_uniform for tanh/sigmoid.");
    }
    return this;
  }

  /** Fills {@code dst[off, off+n)} with draws of this scheme. */
  public void fill(float[] dst, int off, int n, int fanIn, int fanOut, Rng rng) {
    switch (scheme) {
      case XAVIER_UNIFORM -> uniform(dst, off, n, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
      case XAVIER_NORMAL -> normal(dst, off, n, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
      case HE_NORMAL -> normal(dst, off, n, Math.sqrt(2.0 / fanIn), rng);
      case HE_UNIFORM -> uniform(dst, off, n, Math.sqrt(6.0 / fanIn), rng);
      case GAUSSIAN -> normal(dst, off, n, sigma, rng);
      case CONSTANT -> java.util.Arrays.fill(dst, off, off + n, (float) sigma);
    }
  }

  private static void uniform(float[] dst, int off, int n, double bound, Rng rng) {
    for (int i = 0; i < n; i++) dst[off + i] = (float) ((2 * rng.nextDouble() - 1) * bound);
  }

  private static void normal(float[] dst, int off, int n, double std, Rng rng) {
    for (int i = 0; i < n; i++) dst[off + i] = (float) (rng.nextGaussian() * std);
  }

  @Override
  public String toString() {
    String n = scheme.name().toLowerCase(Locale.ROOT);
    return scheme == Scheme.GAUSSIAN ? n + "(" + sigma + ")"
        : scheme == Scheme.CONSTANT ? "constant(" + sigma + ")" : n;
  }
}
