package dev.dptrain.driver.io;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * LibSVM and CSV text through the Hadoop FileSystem API. A path may be a file (gzip and other
 * Hadoop codecs by extension) or a directory, whose visible files are read in name order (Spark
 * output). Every error names the file and 1-based line.
 */
public final class TextData {
  private TextData() {}

  /** LibSVM: {@code label idx:val idx:val ...}, 1-based increasing indices, absent = 0. */
  public static Dataset readLibSvm(String path, Shape shape, LabelRule rule, Configuration conf) throws IOException {
    int d = shape.size();
    Packer pack = new Packer(d);
    for (Path file : files(path, conf)) {
      try (BufferedReader r = open(file, conf)) {
        String line;
        int no = 0;
        while ((line = r.readLine()) != null) {
          no++;
          int hash = line.indexOf('#');
          String text = (hash >= 0 ? line.substring(0, hash) : line).trim();
          if (text.isEmpty()) continue;
          String where = file + ": line " + no;
          String[] tok = text.split("\\s+");
          float[] x = pack.next();
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
          pack.label(label(tok[0], rule, where));
        }
      }
    }
    return pack.dataset(shape, path);
  }

  /**
   * CSV: one example per line, the label column (if any) plus exactly {@code shape.size()}
   * numeric feature columns in order; an optional header line names the columns.
   */
  public static Dataset readCsv(DataSource src, Shape shape, LabelRule rule, Configuration conf) throws IOException {
    int d = shape.size();
    Packer pack = new Packer(d);
    String sep = java.util.regex.Pattern.quote(String.valueOf(src.delimiter()));
    for (Path file : files(src.path(), conf)) {
      try (BufferedReader r = open(file, conf)) {
        String line;
        int no = 0;
        int labelAt = -1;
        if (src.header()) {
          line = r.readLine();
          no++;
          if (line == null) continue;
          labelAt = labelIndex(src.labelColumn(), line.split(sep, -1), file);
        } else {
          labelAt = labelIndex(src.labelColumn(), null, file);
        }
        int want = d + (labelAt >= 0 ? 1 : 0);
        while ((line = r.readLine()) != null) {
          no++;
          if (line.isBlank()) continue;
          String where = file + ": line " + no;
          String[] cells = line.split(sep, -1);
          if (cells.length != want) {
            throw new DataFormatException(where + ": " + cells.length + " columns, expected " + want + " ("
                + (labelAt >= 0 ? "a label and " : "") + d + " features for model input " + shape + ")");
          }
          float[] x = pack.next();
          int j = 0;
          for (int c = 0; c < cells.length; c++) {
            if (c == labelAt) continue;
            x[j++] = number(cells[c], where + ": column " + (c + 1));
          }
          pack.label(labelAt >= 0 ? label(cells[labelAt], rule, where + ": column " + (labelAt + 1)) : 0f);
        }
      }
    }
    return pack.dataset(shape, src.path());
  }

  private static int labelIndex(String column, String[] header, Path file) {
    if (column == null) return -1;
    if (header != null) {
      for (int i = 0; i < header.length; i++) if (header[i].trim().equals(column)) return i;
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

  private static float label(String s, LabelRule rule, String where) {
    if (!rule.required()) return 0f;
    double v;
    try {
      v = Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new DataFormatException(where + ": label '" + s + "' is not a number");
    }
    rule.check(v, where);
    return (float) v;
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

  static List<Path> files(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) throw new FileNotFoundException(path + ": data file not found");
    if (!fs.getFileStatus(p).isDirectory()) return List.of(p);
    List<Path> out = new ArrayList<>();
    for (FileStatus s : fs.listStatus(p)) {
      String n = s.getPath().getName();
      if (s.isFile() && !n.startsWith(".") && !n.startsWith("_")) out.add(s.getPath());
    }
    out.sort(null);
    if (out.isEmpty()) throw new FileNotFoundException(path + ": directory holds no data files");
    return out;
  }

  private static BufferedReader open(Path file, Configuration conf) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    var in = codec == null ? fs.open(file) : codec.createInputStream(fs.open(file));
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  /** Growable packed features and labels. */
  static final class Packer {
    private final int d;
    private float[] x = new float[0];
    private float[] y = new float[0];
    private int n;
    private final float[] row;

    Packer(int d) {
      this.d = d;
      this.row = new float[d];
    }

    /** A zeroed row for the next example; committed by {@link #label}. */
    float[] next() {
      Arrays.fill(row, 0f);
      return row;
    }

    void label(float label) {
      if ((long) (n + 1) * d > Integer.MAX_VALUE - 8) throw new DataFormatException("data set too large for one array");
      if (n == y.length) {
        int cap = Math.max(16, y.length * 2);
        y = Arrays.copyOf(y, cap);
        x = Arrays.copyOf(x, (int) Math.min((long) cap * d, Integer.MAX_VALUE - 8));
      }
      System.arraycopy(row, 0, x, n * d, d);
      y[n++] = label;
    }

    Dataset dataset(Shape shape, String path) {
      if (n == 0) throw new DataFormatException(path + ": no examples");
      return new Dataset(shape, 1, Arrays.copyOf(x, n * d), Arrays.copyOf(y, n));
    }
  }
}
