package dev.dptrain.driver.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Builds one JSON object on one line, keys in insertion order; non-finite numbers become
 * {@code null} (JSON has no NaN). Used by the metrics log and the benchmarks.
 */
public final class JsonLine {
  /** Seven significant digits: float precision, short lines. */
  private static final MathContext SIGNIFICANT = new MathContext(7);

  private final StringBuilder sb = new StringBuilder("{");

  private JsonLine key(String key) {
    if (sb.length() > 1) sb.append(',');
    quote(sb, key);
    return this;
  }

  public JsonLine put(String key, String value) {
    key(key).sb.append(':');
    if (value == null) sb.append("null");
    else quote(sb, value);
    return this;
  }

  public JsonLine put(String key, boolean value) {
    key(key).sb.append(':').append(value);
    return this;
  }

  public JsonLine put(String key, long value) {
    key(key).sb.append(':').append(value);
    return this;
  }

  public JsonLine put(String key, double value) {
    key(key).sb.append(':');
    number(sb, value);
    return this;
  }

  public JsonLine put(String key, double[] values) {
    key(key).sb.append(":[");
    for (int i = 0; i < values.length; i++) {
      if (i > 0) sb.append(',');
      number(sb, values[i]);
    }
    sb.append(']');
    return this;
  }

  /** A value that is already JSON (an array or object built elsewhere). */
  public JsonLine putRaw(String key, String json) {
    key(key).sb.append(':').append(json);
    return this;
  }

  @Override
  public String toString() {
    return sb + "}";
  }

  private static void number(StringBuilder sb, double v) {
    if (!Double.isFinite(v)) sb.append("null");
    else if (v == Math.rint(v) && Math.abs(v) < 1e15) sb.append((long) v);
    else sb.append(new BigDecimal(v).round(SIGNIFICANT).stripTrailingZeros());
  }

  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
