package dev.dptrain.driver.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --flag value} and boolean {@code --flag} options of a sub-command. */
record CliArgs(Map<String, String> values) {
  /** A bad command line: the message says what is wrong, the caller prints usage. */
  static final class UsageError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** Flags in {@code allowed} take a value unless they are in {@link #SWITCHES}. */
  static final Set<String> SWITCHES = Set.of("--header", "--no-header", "--single-file", "--overwrite");

  static CliArgs parse(String[] args, int from, Set<String> allowed) {
    Map<String, String> v = new HashMap<>();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      if (!allowed.contains(a)) throw new UsageError("unknown argument " + a);
      if (SWITCHES.contains(a)) v.put(a, "true");
      else if (i + 1 < args.length) v.put(a, args[++i]);
      else throw new UsageError(a + " needs a value");
    }
    return new CliArgs(v);
  }

  String required(String flag) {
    String s = values.get(flag);
    if (s == null) throw new UsageError("missing " + flag);
    return s;
  }

  String get(String flag, String def) {
    return values.getOrDefault(flag, def);
  }

  boolean has(String flag) {
    return values.containsKey(flag);
  }
}
