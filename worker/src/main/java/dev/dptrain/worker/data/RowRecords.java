package dev.dptrain.worker.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * Spark SQL rows (Parquet files, or any DataFrame) as examples, converted in the tasks: a features
 * value that is an array&lt;float|double&gt; or a Spark ML Vector (also read as the vector's own
 * struct {@code type, size, indices, values} when Spark MLlib is not on the classpath) and a
 * numeric label (or a string one, mapped by {@code data.labels}). {@link #example} takes rows of
 * (features[, label]).
 */
public final class RowRecords implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int d;
  private final LabelRule rule;
  private final String featuresColumn;
  private final String labelColumn;

  /** Columns after the features (and label) that pass through to predictions. */
  private final int kept;

  public RowRecords(int features, LabelRule rule, String featuresColumn, String labelColumn) {
    this(features, rule, featuresColumn, labelColumn, 0);
  }

  public RowRecords(int features, LabelRule rule, String featuresColumn, String labelColumn, int kept) {
    this.d = features;
    this.rule = rule;
    this.featuresColumn = featuresColumn;
    this.labelColumn = labelColumn;
    this.kept = kept;
  }

  /** Why a features column cannot be read, or null when it can. */
  public static String checkFeaturesType(DataType t) {
    return isVectorLike(t) ? null : t.simpleString() + ", expected array<float>, array<double> or a Spark ML Vector";
  }

  /** Why a column cannot be read as numeric labels (no label mapping), or null when it can. */
  public static String checkLabelType(DataType t) {
    return t instanceof NumericType ? null : t.simpleString() + ", expected a numeric type";
  }

  /** Why a label column cannot be read under {@code rule}, or null when it can. */
  public static String checkLabelType(DataType t, LabelRule rule) {
    if (t instanceof NumericType) return null;
    if (t.equals(DataTypes.StringType)) {
      return rule.values().mapped() ? null : "string; set data.labels = auto (or list the labels) to map them to classes";
    }
    return t.simpleString() + ", expected a numeric type" + (rule.values().mapped() ? " or a string" : "");
  }

  private static boolean isVectorLike(DataType t) {
    if (t instanceof ArrayType a) {
      return a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType);
    }
    if (t instanceof UserDefinedType<?> u) return isVectorLike(u.sqlType());
    return t instanceof StructType s && Arrays.asList(s.fieldNames()).containsAll(List.of("type", "size", "indices", "values"));
  }

  /**
   * The example in {@code r}: column {@code at} holds the features and, when the rule requires
   * labels, column {@code at + 1} the label; the {@code kept} columns after them are passed through. {@code where} names the row in errors.
   */
  public Example example(Row r, int at, String where) {
    float[] x = new float[d];
    features(r.get(at), x, where + ": column '" + featuresColumn + "'");
    float label = 0f;
    if (rule.required()) {
      label = rule.target(r.get(at + 1), where + ": column '" + labelColumn + "'");
    }
    if (kept == 0) return new Example(x, label);
    String[] values = new String[kept];
    int from = at + (rule.required() ? 2 : 1);
    for (int k = 0; k < kept; k++) values[k] = String.valueOf(r.get(from + k));
    return new Example(x, null, label, values);
  }

  private void features(Object v, float[] x, String where) {
    if (v == null) throw new DataFormatException(where + ": features are null");
    if (v instanceof scala.collection.Seq<?> seq) {
      if (seq.length() != d) throw new DataFormatException(where + ": " + seq.length() + " features, expected " + d);
      for (int j = 0; j < d; j++) x[j] = finite(seq.apply(j), where, j);
      return;
    }
    if (v instanceof Row s) {
      // Spark ML VectorUDT storage: type 0 = sparse (size, indices, values), 1 = dense (values)
      int type = ((Number) s.getAs("type")).intValue();
      List<Object> values = s.getList(s.fieldIndex("values"));
      if (type == 1) {
        if (values.size() != d) throw new DataFormatException(where + ": dense vector of size " + values.size() + ", expected " + d);
        for (int j = 0; j < d; j++) x[j] = finite(values.get(j), where, j);
      } else {
        int size = ((Number) s.getAs("size")).intValue();
        if (size != d) throw new DataFormatException(where + ": sparse vector of size " + size + ", expected " + d);
        List<Object> idx = s.getList(s.fieldIndex("indices"));
        for (int k = 0; k < idx.size(); k++) {
          int j = ((Number) idx.get(k)).intValue();
          if (j < 0 || j >= d) throw new DataFormatException(where + ": sparse index " + j + " outside [0, " + d + ")");
          x[j] = finite(values.get(k), where, j);
        }
      }
      return;
    }
    double[] a;
    try {
      a = (double[]) v.getClass().getMethod("toArray").invoke(v);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new DataFormatException(where + ": unsupported features value " + v.getClass().getName());
    }
    if (a.length != d) throw new DataFormatException(where + ": vector of size " + a.length + ", expected " + d);
    for (int j = 0; j < d; j++) x[j] = finite(a[j], where, j);
  }

  private static float finite(Object o, String where, int j) {
    if (o == null) throw new DataFormatException(where + ": feature " + j + " is null");
    float f = ((Number) o).floatValue();
    if (!Float.isFinite(f)) throw new DataFormatException(where + ": feature " + j + " is " + o + ", expected a finite number");
    return f;
  }
}
