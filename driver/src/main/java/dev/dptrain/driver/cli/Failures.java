package dev.dptrain.driver.cli;

import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.config.Conf;
import dev.dptrain.worker.data.DataFormatException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one error path of the {@code dptrain} command: any failure, on the driver or from a Spark
 * task, becomes one line {@code dptrain: error: ...} and an exit status (README, "When things go
 * wrong"): {@value #USAGE} usage or config, {@value #DATA} input data, {@value #MODEL} model or
 * checkpoint file, {@value #IO} output path or I/O, {@value #DIVERGED} training diverged,
 * {@value #CHECK_FAILED} a sanity check failed, {@value #INTERNAL} anything else. {@code retrain}
 * also ends with {@value #NOT_PROMOTED} when it trained a candidate that did not pass the promotion
 * gate (not an error: no message here).
 */
final class Failures {
  static final int INTERNAL = 1;
  static final int USAGE = 2;
  static final int DATA = 3;
  static final int MODEL = 4;
  static final int IO = 5;
  static final int DIVERGED = 6;
  static final int NOT_PROMOTED = 7;
  /** {@code dptrain check}: at least one sanity check failed (each printed with what it means). */
  static final int CHECK_FAILED = 8;

  private Failures() {}

  /** A failure the CLI detected itself, with its exit status and complete one-line message. */
  static final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int exit;

    CliFailure(int exit, String message) {
      super(message);
      this.exit = exit;
    }

    CliFailure(int exit, String message, Throwable cause) {
      super(message, cause);
      this.exit = exit;
    }
  }

  /** What the user sees: the exit status and the text after {@code dptrain: error: }. */
  record Outcome(int exit, String message) {}

  private static final Pattern STAGE_FAILURE =
      Pattern.compile("(?s)Job aborted due to stage failure:.*?most recent failure: Lost task [^)]*\\)[^:]*:\\s*(.*)");

  static Outcome classify(Throwable thrown) {
    Throwable t = unwrap(thrown);
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CliFailure f) return new Outcome(f.exit, oneLine(f.getMessage()));
      if (c instanceof Conf.ConfigError) return new Outcome(USAGE, "config: " + oneLine(c.getMessage()));
      if (c instanceof CliArgs.UsageError) return new Outcome(USAGE, oneLine(c.getMessage()));
      if (c instanceof DataFormatException) return new Outcome(DATA, oneLine(c.getMessage()));
      if (c instanceof ModelStore.ModelFileException) return new Outcome(MODEL, oneLine(c.getMessage()));
      if (c instanceof FileNotFoundException) return new Outcome(DATA, oneLine(c.getMessage()));
      if (c instanceof ArithmeticException && String.valueOf(c.getMessage()).contains("diverged")) {
        return new Outcome(DIVERGED, "training diverged: " + oneLine(c.getMessage()));
      }
      if (c.getClass().getName().equals("org.apache.spark.sql.AnalysisException")
          && String.valueOf(c.getMessage()).contains("PATH_NOT_FOUND")) {
        return new Outcome(DATA, "input not found: " + oneLine(c.getMessage()));
      }
      if (c instanceof IllegalStateException && String.valueOf(c.getMessage()).startsWith("checkpoint in ")) {
        return new Outcome(MODEL, oneLine(c.getMessage()));
      }
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException) return new Outcome(IO, "I/O: " + describe(c));
    }
    return new Outcome(INTERNAL, "internal error: " + describe(t) + " (run with --debug for the trace)");
  }

  /** Peels off the wrappers that only say where an exception travelled (Spark jobs, futures, reflection). */
  static Throwable unwrap(Throwable t) {
    while (true) {
      Throwable cause = t.getCause();
      boolean wrapper = t instanceof ExecutionException || t instanceof InvocationTargetException
          || t instanceof UncheckedIOException
          || t.getClass().getName().equals("org.apache.spark.SparkException")
          || (t.getClass() == RuntimeException.class && cause != null
              && String.valueOf(t.getMessage()).equals(String.valueOf(cause)));
      if (!wrapper) return t;
      if (cause == null) {
        Matcher m = STAGE_FAILURE.matcher(String.valueOf(t.getMessage()));
        if (m.find()) return new RuntimeException(m.group(1).lines().findFirst().orElse(""));
        return t;
      }
      t = cause;
    }
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    String name = t.getClass().getSimpleName();
    if (m == null || m.isBlank()) return name;
    // a plain IOException's message says what it is; any other type's name adds what kind of failure
    return (t.getClass() == IOException.class ? "" : name + ": ") + oneLine(m);
  }

  /** The first line of a message (Spark appends traces and plans to some), trimmed. */
  static String oneLine(String s) {
    if (s == null) return "(no message)";
    String first = s.strip().lines().findFirst().orElse("").strip();
    return first.isEmpty() ? "(no message)" : first;
  }
}
