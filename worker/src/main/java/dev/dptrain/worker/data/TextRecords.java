package dev.dptrain.worker.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import scala.Tuple2;

/**
 * LibSVM and CSV lines as the tasks read them from Hadoop input splits (TextInputFormat: a line
 * and its byte offset). Each line is parsed and checked where it is read; an error names the
 * file and the line (its number when the split starts the file, else its byte offset).
 *
 * <ul>
 *   <li>LibSVM: {@code label idx:val idx:val ...}, 1-based increasing indices, absent = 0;
 *       {@code #} starts a comment.</li>
 *   <li>CSV: the label column (if any) plus exactly {@code d} numeric feature columns (columns
 *       are counted from 0, in options and in messages alike); prediction input may leave the
 *       label column out; with
 *       {@code header}, each file's first line names the columns (a UTF-8 byte order mark is
 *       dropped) and is skipped.</li>
 * </ul>
 */
public final class TextRecords implements Serializable {
  private static final long serialVersionUID = 1L;

  private final DataSource src;
  private final int d;
  private final LabelRule rule;
  private final List<String> keep;

  public TextRecords(DataSource src, int features, LabelRule rule) {
    this(src, features, rule, List.of());
  }

  /**
   * @param keep columns to pass through to predictions: CSV header names or 0-based indices;
   *             LibSVM: {@code label}
   */
  public TextRecords(DataSource src, int features, LabelRule rule, List<String> keep) {
    this.src = src;
    this.d = features;
    this.rule = rule;
    this.keep = List.copyOf(keep);
  }

  /**
   * The records of one split of {@code file} (index {@code fileIndex} in the input's file list)
   * starting at byte {@code splitStart}.
   */
  public Iterator<Tuple2<RecordKey, Example>> read(Path file, int fileIndex, long splitStart,
                                                  Iterator<Tuple2<LongWritable, Text>> lines, Configuration conf)
      throws IOException {
    boolean csv = src.format().equals("csv");
    int labelAt = csv ? labelColumn(file, conf) : -1;
    int[] keepAt = csv ? keptColumns(file, conf) : null;
    if (!csv) {
      for (String k : keep) {
        if (!k.equals("label")) throw new DataFormatException(file + ": LibSVM can pass through 'label' only, not '" + k + "'");
      }
    }
    Pattern sep = separator();
    return parsed(file, splitStart, lines, (offset, line, where) -> {
      Example e = csv ? csvLine(line, labelAt, sep, where) : libsvmLine(line, where);
      if (e != null && !keep.isEmpty()) e = e.keeping(csv ? cellsAt(line, sep, keepAt, where) : libsvmLabel(line));
      return e == null ? null : new Tuple2<>(new RecordKey(fileIndex, offset), e);
    });
  }

  /**
   * The label of every record of one split, as written in the file (the label cell of a CSV line,
   * the first token of a LibSVM line): what {@code data.labels = auto} collects.
   */
  public Iterator<String> labels(Path file, long splitStart, Iterator<Tuple2<LongWritable, Text>> lines,
                                 Configuration conf) throws IOException {
    boolean csv = src.format().equals("csv");
    int labelAt = csv ? labelColumn(file, conf) : -1;
    if (csv && labelAt < 0) throw new DataFormatException(file + ": no label column to collect labels from");
    Pattern sep = separator();
    return parsed(file, splitStart, lines, (offset, line, where) -> {
      if (!csv) {
        int hash = line.indexOf('#');
        String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
        return text.isEmpty() ? null : text.split("\\s+", 2)[0];
      }
      if (line.isBlank()) return null;
      String[] cells = sep.split(line, -1);
      if (labelAt >= cells.length) {
        throw new DataFormatException(where + ": " + cells.length + " columns, no label column " + labelAt
            + " (columns are counted from 0)");
      }
      return cells[labelAt];
    });
  }

  /** The 0-based columns of the {@code keep} names (header names or indices) in this CSV file. */
  private int[] keptColumns(Path file, Configuration conf) throws IOException {
    if (keep.isEmpty()) return new int[0];
    String[] header = src.header() ? splitHeader(firstLine(file, conf)) : new String[0];
    int[] at = new int[keep.size()];
    for (int k = 0; k < at.length; k++) {
      at[k] = Arrays.asList(header).indexOf(keep.get(k));
      if (at[k] < 0 && isInteger(keep.get(k))) at[k] = Integer.parseInt(keep.get(k));
      if (at[k] < 0) {
        throw new DataFormatException(file + ": no column '" + keep.get(k) + "' to keep; "
            + (src.header() ? "the header is " + Arrays.toString(header) : "give 0-based column indices (no header)"));
      }
    }
    return at;
  }

  private String[] splitHeader(String first) {
    if (first == null) return new String[0];
    String[] h = dropBom(first).split(Pattern.quote(String.valueOf(src.delimiter())), -1);
    for (int i = 0; i < h.length; i++) h[i] = h[i].trim();
    return h;
  }

  private static String[] cellsAt(String line, Pattern sep, int[] at, String where) {
    String[] cells = sep.split(line, -1);
    String[] out = new String[at.length];
    for (int k = 0; k < at.length; k++) {
      if (at[k] >= cells.length) throw new DataFormatException(where + ": no column " + at[k] + " (0-based) to keep");
      out[k] = cells[at[k]].trim();
    }
    return out;
  }

  private static String[] libsvmLabel(String line) {
    return new String[] {line.trim().split("\\s+", 2)[0]};
  }

  /** Turns one line (its byte offset, text and name for errors) into a record, or null to skip it. */
  private interface LineParser<T> {
    T parse(long offset, String line, String where);
  }

  /** The non-null records of a split's lines; the header line of each CSV file is skipped. */
  private <T> Iterator<T> parsed(Path file, long splitStart, Iterator<Tuple2<LongWritable, Text>> lines,
                                 LineParser<T> parser) {
    boolean csv = src.format().equals("csv");
    return new Iterator<>() {
      T ahead;
      long lineNo = 0; // lines of this split so far; a line number only when the split starts the file

      @Override
      public boolean hasNext() {
        while (ahead == null && lines.hasNext()) {
          Tuple2<LongWritable, Text> t = lines.next();
          lineNo++;
          long offset = t._1().get();
          String line = t._2().toString();
          if (offset == 0) {
            line = dropBom(line);
            if (csv && src.header()) continue;
          }
          String where = file + ": " + (splitStart == 0 ? "line " + lineNo : "the line at byte " + offset);
          ahead = parser.parse(offset, line, where);
        }
        return ahead != null;
      }

      @Override
      public T next() {
        if (!hasNext()) throw new NoSuchElementException();
        T r = ahead;
        ahead = null;
        return r;
      }
    };
  }

  private Pattern separator() {
    return Pattern.compile(Pattern.quote(String.valueOf(src.delimiter())));
  }

  private static String dropBom(String line) {
    return line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /** The label column of a CSV file: a 0-based index, or a name looked up in the file's header. */
  private int labelColumn(Path file, Configuration conf) throws IOException {
    String column = src.labelColumn();
    if (column == null) return -1;
    String[] header = null;
    if (src.header()) {
      String first = firstLine(file, conf);
      header = first == null ? new String[0] : dropBom(first).split(Pattern.quote(String.valueOf(src.delimiter())), -1);
      for (int i = 0; i < header.length; i++) if (header[i].trim().equals(column)) return i;
      if (!rule.required() && !isInteger(column)) return -1; // prediction input without the label column
    }
    try {
      int i = Integer.parseInt(column);
      if (i < 0) throw new DataFormatException(file + ": label column " + i + " must be >= 0");
      return i;
    } catch (NumberFormatException e) {
      throw new DataFormatException(file + ": label column '" + column + "' is not in the header "
          + (header == null ? "(no header; set header = true or give a 0-based column index)" : Arrays.toString(header)));
    }
  }

  private static boolean isInteger(String s) {
    return s.matches("-?\\d+");
  }

  private static String firstLine(Path file, Configuration conf) throws IOException {
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    var raw = file.getFileSystem(conf).open(file);
    var in = codec == null ? raw : codec.createInputStream(raw);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.readLine();
    }
  }

  private Example csvLine(String line, int labelAt, Pattern sep, String where) {
    if (line.isBlank()) return null;
    String[] cells = sep.split(line, -1);
    // Prediction input may come with or without the label column the model was trained with.
    if (labelAt >= 0 && !rule.required() && cells.length == d) labelAt = -1;
    int want = d + (labelAt >= 0 ? 1 : 0);
    if (cells.length != want) {
      throw new DataFormatException(where + ": " + cells.length + " columns, expected " + want + " ("
          + (labelAt >= 0 ? "the label column " + labelAt + " and " : "") + d + " features; columns are counted from 0)");
    }
    float[] x = new float[d];
    int j = 0;
    for (int c = 0; c < cells.length; c++) {
      if (c == labelAt) continue;
      x[j++] = number(cells[c], where + ": column " + c + " (0-based)");
    }
    return new Example(x, labelAt >= 0 ? rule.target(cells[labelAt], where + ": column " + labelAt + " (0-based)") : 0f);
  }

  private Example libsvmLine(String line, String where) {
    int hash = line.indexOf('#');
    String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
    if (text.isEmpty()) return null;
    String[] tok = text.split("\\s+");
    float[] x = new float[d];
    int last = 0;
    for (int t = 1; t < tok.length; t++) {
      int colon = tok[t].indexOf(':');
      if (colon <= 0) throw new DataFormatException(where + ": expected index:value, got '" + tok[t] + "'");
      int idx;
      try {
        idx = Integer.parseInt(tok[t].substring(0, colon));
      } catch (NumberFormatException e) {
        throw new DataFormatException(where + ": feature index '" + tok[t].substring(0, colon) + "' is not an integer");
      }
      if (idx < 1 || idx > d) {
        throw new DataFormatException(where + ": feature index " + idx + " outside [1, " + d
            + "] (the model input has " + d + " features; LibSVM indices are 1-based)");
      }
      if (idx <= last) throw new DataFormatException(where + ": feature index " + idx + " after " + last + ", expected increasing indices");
      last = idx;
      x[idx - 1] = number(tok[t].substring(colon + 1), where + ": feature " + idx);
    }
    return new Example(x, rule.target(tok[0], where));
  }

  static float number(String s, String where) {
    float v;
    try {
      v = Float.parseFloat(s.trim());
    } catch (NumberFormatException e) {
      throw new DataFormatException(where + ": '" + s + "' is not a number");
    }
    if (!Float.isFinite(v)) throw new DataFormatException(where + ": value " + s.trim() + " is not finite (NaN/Inf)");
    return v;
  }
}
