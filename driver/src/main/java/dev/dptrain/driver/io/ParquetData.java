package dev.dptrain.driver.io;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.Dataset;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Parquet through Spark SQL: a features column that is an array&lt;float|double&gt; or a Spark
 * ML Vector (read as the vector's own struct {@code type, size, indices, values} when Spark
 * MLlib is not on the classpath) and a numeric label column. Errors name the path and the
 * 0-based row index in the order Spark reads the files.
 */
public final class ParquetData {
  private ParquetData() {}

  public static Dataset read(SparkSession spark, DataSource src, Shape shape, LabelRule rule) throws IOException {
    Path p = new Path(src.path());
    if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
      throw new FileNotFoundException(src.path() + ": data file not found");
    }
    var df = spark.read().parquet(src.path());
    String fc = src.featuresColumn();
    String lc = src.labelColumn();
    List<String> names = Arrays.asList(df.columns());
    if (!names.contains(fc)) throw new DataFormatException(src.path() + ": no features column '" + fc + "'; columns are " + names);
    boolean withLabel = rule.required();
    if (withLabel && !names.contains(lc)) {
      throw new DataFormatException(src.path() + ": no label column '" + lc + "'; columns are " + names);
    }
    StructField ff = df.schema().apply(fc);
    if (!isVectorLike(ff.dataType())) {
      throw new DataFormatException(src.path() + ": column '" + fc + "' is " + ff.dataType().simpleString()
          + ", expected array<float>, array<double> or a Spark ML Vector");
    }
    if (withLabel && !(df.schema().apply(lc).dataType() instanceof org.apache.spark.sql.types.NumericType)) {
      throw new DataFormatException(src.path() + ": label column '" + lc + "' is "
          + df.schema().apply(lc).dataType().simpleString() + ", expected a numeric type");
    }
    var selected = withLabel ? df.select(fc, lc) : df.select(fc);
    int d = shape.size();
    TextData.Packer pack = new TextData.Packer(d);
    Iterator<Row> it = selected.toLocalIterator();
    long row = 0;
    while (it.hasNext()) {
      Row r = it.next();
      String where = src.path() + ": row " + row;
      features(r.get(0), pack.next(), d, where + ": column '" + fc + "'");
      float label = 0f;
      if (withLabel) {
        if (r.isNullAt(1)) throw new DataFormatException(where + ": label is null");
        double v = ((Number) r.get(1)).doubleValue();
        rule.check(v, where + ": column '" + lc + "'");
        label = (float) v;
      }
      pack.label(label);
      row++;
    }
    return pack.dataset(shape, src.path());
  }

  private static boolean isVectorLike(DataType t) {
    if (t instanceof org.apache.spark.sql.types.ArrayType a) {
      return a.elementType().equals(DataTypes.FloatType) || a.elementType().equals(DataTypes.DoubleType);
    }
    if (t instanceof org.apache.spark.sql.types.UserDefinedType<?> u) return isVectorLike(u.sqlType());
    return t instanceof org.apache.spark.sql.types.StructType s
        && Arrays.asList(s.fieldNames()).containsAll(List.of("type", "size", "indices", "values"));
  }

  /** Writes one example's features into x: array, ML vector struct, or an object with toArray(). */
  private static void features(Object v, float[] x, int d, String where) {
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
    try {
      double[] a = (double[]) v.getClass().getMethod("toArray").invoke(v);
      if (a.length != d) throw new DataFormatException(where + ": vector of size " + a.length + ", expected " + d);
      for (int j = 0; j < d; j++) x[j] = finite(a[j], where, j);
    } catch (ReflectiveOperationException | ClassCastException e) {
      throw new DataFormatException(where + ": unsupported features value " + v.getClass().getName());
    }
  }

  private static float finite(Object o, String where, int j) {
    if (o == null) throw new DataFormatException(where + ": feature " + j + " is null");
    float f = ((Number) o).floatValue();
    if (!Float.isFinite(f)) throw new DataFormatException(where + ": feature " + j + " is " + o + ", expected a finite number");
    return f;
  }
}
