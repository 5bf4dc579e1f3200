package dev.dptrain.model.ops;

import dev.ludovic.netlib.blas.BLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Which BLAS is doing the work, and a loud warning when it is a slow one.
 *
 * <p>netlib picks native (JNI) first, then the Vector-API Java BLAS, then plain Java. Two traps:
 * Debian's reference {@code libblas3} also loads as "native" but is ~20x slower than OpenBLAS, and
 * without {@code --add-modules jdk.incubator.vector} the Vector-API BLAS silently degrades to
 * scalar Java. So the description names the shared library actually mapped into this process.
 */
public final class BlasInfo {
  private static final Logger LOG = Logger.getLogger(BlasInfo.class.getName());
  private static volatile BLAS blas;

  private BlasInfo() {}

  static BLAS blas() {
    BLAS b = blas;
    if (b == null) {
      synchronized (BlasInfo.class) {
        if (blas == null) {
          blas = BLAS.getInstance();
          String d = describe(blas);
          if (isSlow(blas)) LOG.warning("dptrain: slow BLAS in use: " + d + ". " + advice());
          else LOG.info("dptrain: BLAS " + d);
        }
        b = blas;
      }
    }
    return b;
  }

  /** Human-readable description, e.g. {@code JNIBLAS (/usr/lib/.../libopenblasp-r0.3.21.so)}. */
  public static String describe() {
    return describe(blas());
  }

  /** True when the implementation in use is one of the known-slow ones. */
  public static boolean isSlow() {
    return isSlow(blas());
  }

  private static String describe(BLAS b) {
    String name = b.getClass().getSimpleName();
    if (name.contains("JNI")) {
      String lib = mappedBlasLibrary();
      return name + " (" + (lib == null ? "native library not identified" : lib) + ")";
    }
    return name;
  }

  private static boolean isSlow(BLAS b) {
    String name = b.getClass().getSimpleName();
    if (name.contains("JNI")) {
      String lib = mappedBlasLibrary();
      return lib == null || !lib.toLowerCase(Locale.ROOT).matches(".*(openblas|mkl|blis).*");
    }
    return !name.contains("Vector");
  }

  private static String advice() {
    return "Install OpenBLAS (Debian: apt-get install libopenblas0-pthread) and start the JVM with "
        + "--add-modules jdk.incubator.vector; set OPENBLAS_NUM_THREADS=1 per Spark task.";
  }

  /** The BLAS shared object in /proc/self/maps (Linux), or null when none is identified. */
  static String mappedBlasLibrary() {
    Path maps = Path.of("/proc/self/maps");
    if (!Files.isReadable(maps)) return null;
    try (var lines = Files.lines(maps)) {
      return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.startsWith("/"))
          .filter(p -> {
            String f = p.substring(p.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            return f.startsWith("libopenblas") || f.startsWith("libblas") || f.startsWith("libmkl")
                || f.startsWith("libblis");
          })
          .map(BlasInfo::resolve)
          .sorted((x, y) -> Boolean.compare(!x.contains("openblas"), !y.contains("openblas")))
          .findFirst().orElse(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String resolve(String p) {
    try {
      return Path.of(p).toRealPath().toString();
    } catch (IOException e) {
      return p;
    }
  }
}
