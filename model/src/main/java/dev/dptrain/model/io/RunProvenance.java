package dev.dptrain.model.io;

import dev.dptrain.model.ops.BlasInfo;
import java.time.Instant;
import java.util.List;

/**
 * How a saved model was trained, beyond seed, epochs and steps (as Tribuo's
 * {@code ModelProvenance}): the whole run config, the software and machine, the data and when.
 * Stored from model format version 2 on.
 *
 * @param config    the run config as dptrain read it (HOCON rendered as JSON, credentials redacted)
 * @param trainedAt when the model was saved
 */
public record RunProvenance(String config, Instant trainedAt, Environment environment, DataOrigin data) {
  /** Software and machine of the driver that trained the model. */
  public record Environment(String spark, String java, String javaVendor, String blas, String os, String arch) {
    /** This JVM's Java, BLAS and OS; the Spark version comes from the caller (the model module has no Spark). */
    public static Environment current(String sparkVersion) {
      return new Environment(sparkVersion, System.getProperty("java.version"), System.getProperty("java.vendor"),
          BlasInfo.describe(), System.getProperty("os.name") + " " + System.getProperty("os.version"),
          System.getProperty("os.arch"));
    }
  }

  /**
   * The training data: its format, the paths read (IDX: images then labels) and the example
   * counts actually used (after {@code data.limit}); no test data = no test paths, 0 examples.
   */
  public record DataOrigin(String format, List<String> trainPaths, List<String> testPaths, long trainExamples,
                           long testExamples) {
    public DataOrigin {
      trainPaths = List.copyOf(trainPaths);
      testPaths = List.copyOf(testPaths);
    }
  }

  /** The provenance of a run finishing now on this JVM. */
  public static RunProvenance now(String config, String sparkVersion, DataOrigin data) {
    return new RunProvenance(config, Instant.now(), Environment.current(sparkVersion), data);
  }
}
