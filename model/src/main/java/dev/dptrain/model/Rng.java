package dev.dptrain.model;

/**
 * Small, fast, splittable random stream (SplitMix64). Every random decision in dptrain (init,
 * dropout masks, shuffles, augmentation) comes from an Rng derived from the run seed and the
 * coordinates of the decision (step, partition, layer), so a retried Spark task or a resumed run
 * draws exactly the same numbers.
 */
public final class Rng {
  private long state;
  private double spareGaussian = Double.NaN;

  public Rng(long seed) {
    this.state = seed;
  }

  /** A stream determined by a seed and any number of coordinates. */
  public static Rng derive(long seed, long... keys) {
    return new Rng(mix(seed, keys));
  }

  public static long mix(long seed, long... keys) {
    long h = mix64(seed ^ 0x6A09E667F3BCC909L);
    for (long k : keys) h = mix64(h ^ mix64(k + 0x9E3779B97F4A7C15L));
    return h;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  public long nextLong() {
    state += 0x9E3779B97F4A7C15L;
    return mix64(state);
  }

  /** Uniform in [0, 1) with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform integer in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  /** Standard normal (Marsaglia polar method). */
  public double nextGaussian() {
    if (!Double.isNaN(spareGaussian)) {
      double g = spareGaussian;
      spareGaussian = Double.NaN;
      return g;
    }
    double u, v, s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double m = Math.sqrt(-2 * Math.log(s) / s);
    spareGaussian = v * m;
    return u * m;
  }

  /** Fisher-Yates shuffle of an index array. */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
