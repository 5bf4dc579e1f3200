package dev.dptrain.model.data;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The label values of a data set in class order: class k is the file's label {@code values[k]}
 * ({@code data.labels}). Empty = the file's labels are the class indices themselves. Values are
 * kept in a canonical text form so that "1", "1.0" and "+1" are the same label and strings
 * ("setosa") work too: a number is written without a trailing ".0", anything else trimmed.
 */
public final class LabelValues implements Serializable {
  private static final long serialVersionUID = 1L;
  /** No mapping: labels are class indices (or regression targets). */
  public static final LabelValues INDICES = new LabelValues(List.of());

  private final List<String> values;
  private final Map<String, Integer> index = new HashMap<>();

  private LabelValues(List<String> canonicalValues) {
    values = List.copyOf(canonicalValues);
    for (int k = 0; k < values.size(); k++) index.put(values.get(k), k);
  }

  /** The canonical values in class order. */
  public List<String> values() {
    return values;
  }

  /** The canonical form of the listed values, in the given order; duplicates are refused. */
  public static LabelValues of(Collection<String> listed) {
    List<String> out = new ArrayList<>();
    for (String v : listed) {
      String c = canonical(v);
      if (out.contains(c)) throw new IllegalArgumentException("label " + c + " is listed twice");
      out.add(c);
    }
    return new LabelValues(out);
  }

  /** The distinct canonical values, sorted: numerically when all are numbers, else as text. */
  public static LabelValues sorted(Collection<String> distinct) {
    List<String> out = new ArrayList<>(distinct.stream().map(LabelValues::canonical).distinct().toList());
    boolean numeric = out.stream().allMatch(LabelValues::isNumber);
    out.sort(numeric ? Comparator.comparingDouble(Double::parseDouble) : Comparator.naturalOrder());
    return new LabelValues(out);
  }

  public boolean mapped() {
    return !values.isEmpty();
  }

  /** Whether every value is a number (predictions are then written as numbers). */
  public boolean numeric() {
    return values.stream().allMatch(LabelValues::isNumber);
  }

  /** The class of a canonical label, or -1 when it is not one of the values. */
  public int indexOf(String canonicalLabel) {
    return index.getOrDefault(canonicalLabel, -1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelValues l && l.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return values.toString();
  }

  /** "1.0", "+1" and " 1" give "1"; "2.5" stays; a non-number is trimmed. */
  public static String canonical(String token) {
    String t = token.trim();
    if (isNumber(t)) return number(Double.parseDouble(t));
    return t;
  }

  /**
   * A label read from a typed column (a Spark SQL value) in the same canonical form as the label
   * written as text. A float is taken by its shortest decimal form: its widening to double would
   * turn the FLOAT 0.1 into 0.10000000149011612, which no CSV file or hand-written {@code
   * data.labels} spells that way.
   */
  public static String canonicalValue(Object value) {
    if (value instanceof Float f && Float.isFinite(f)) return canonical(shortest(f));
    if (value instanceof Number n) return number(n.doubleValue());
    return canonical(value.toString());
  }

  /**
   * The decimal with the fewest significant digits that reads back as {@code f}, the nearest of
   * them when two do. Not Java 17's {@code Float.toString}, which gives 9 digits for about one
   * float in ten that 8 would name (-6.8538022E8 for -6.853802E8). A p-digit decimal that reads
   * back is one of the two that bracket {@code f}; the nearer is tried first.
   */
  static String shortest(float f) {
    BigDecimal exact = new BigDecimal(f);
    for (int p = 1; ; p++) {
      for (RoundingMode m : new RoundingMode[] {RoundingMode.HALF_EVEN, RoundingMode.FLOOR, RoundingMode.CEILING}) {
        BigDecimal d = exact.round(new MathContext(p, m));
        if (d.floatValue() == f) return d.toString();
      }
    }
  }

  /** A finite number as label text: integers without a fraction, others as Java prints them. */
  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }

  static boolean isNumber(String t) {
    if (t.isEmpty() || !(Character.isDigit(t.charAt(t.length() - 1)) || t.endsWith("."))) return false;
    try {
      return Double.isFinite(Double.parseDouble(t));
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
