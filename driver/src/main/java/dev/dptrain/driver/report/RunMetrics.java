package dev.dptrain.driver.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a {@code metrics.jsonl} (see {@link dev.dptrain.driver.metrics.MetricsLog}) as
 * the run finally went: a {@code start} record of a resumed run drops the earlier step and epoch
 * records past its starting step, which the resumed run repeats, and the sanity checks, which it
 * runs again.
 */
public final class RunMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final JsonNode start;
  public final List<JsonNode> steps;
  public final List<JsonNode> epochs;
  /** The sanity checks of the (last) start, in the order they ran. */
  public final List<JsonNode> checks;

  private RunMetrics(JsonNode start, List<JsonNode> steps, List<JsonNode> epochs, List<JsonNode> checks) {
    this.start = start;
    this.steps = steps;
    this.epochs = epochs;
    this.checks = checks;
  }

  /**
   * Parses the lines of {@code source} (named in errors). A malformed LAST line is skipped: it is
   * what a crash mid-write leaves; a malformed line elsewhere is an error.
   */
  public static RunMetrics parse(String text, String source) {
    String[] lines = text.split("\n");
    JsonNode start = null;
    List<JsonNode> steps = new ArrayList<>();
    List<JsonNode> epochs = new ArrayList<>();
    List<JsonNode> checks = new ArrayList<>();
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) continue;
      JsonNode node;
      try {
        node = JSON.readTree(lines[i]);
      } catch (JsonProcessingException e) {
        if (i == lines.length - 1) break;
        throw new IllegalArgumentException(source + ": line " + (i + 1) + ": expected a JSON object, got "
            + abbreviate(lines[i]) + " (" + e.getOriginalMessage() + ")");
      }
      String type = node.path("type").asText("");
      switch (type) {
        case "start" -> {
          long from = node.path("step").asLong();
          steps.removeIf(s -> s.path("step").asLong() > from);
          epochs.removeIf(e -> e.path("step").asLong() > from);
          checks.clear();
          start = node;
        }
        case "check" -> checks.add(node);
        case "step" -> steps.add(node);
        case "epoch" -> epochs.add(node);
        default -> throw new IllegalArgumentException(source + ": line " + (i + 1)
            + ": expected a record of type start, check, step or epoch, got type '" + type + "'");
      }
    }
    if (start == null) throw new IllegalArgumentException(source + ": no start record; is this a dptrain metrics.jsonl?");
    return new RunMetrics(start, steps, epochs, checks);
  }

  /** The JSON objects of a JSON-lines text (each line one record; blank lines skipped). */
  public static List<JsonNode> records(String text, String source) {
    List<JsonNode> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank()) continue;
      try {
        out.add(JSON.readTree(line));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(source + ": expected a JSON object, got " + abbreviate(line));
      }
    }
    return out;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? "'" + s + "'" : "'" + s.substring(0, 60) + "...'";
  }

  /** The field of every record, in order; NaN where it is absent or null. */
  public static double[] column(List<JsonNode> records, String field) {
    double[] v = new double[records.size()];
    for (int i = 0; i < v.length; i++) {
      JsonNode n = records.get(i).get(field);
      v[i] = n == null || !n.isNumber() ? Double.NaN : n.asDouble();
    }
    return v;
  }
}
