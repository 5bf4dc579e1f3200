package dev.dptrain.driver.ml;

import dev.dptrain.worker.data.RowRecords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Schema checks of the estimators and models: features an ML Vector or array&lt;float|double&gt;
 * (what the data path reads, wider than Spark's Vector-only check), a numeric label when fitting,
 * output columns that do not exist yet. An empty output column name leaves that column out.
 */
final class MlSchema {
  private MlSchema() {}

  static final DataType VECTOR = SQLDataTypes.VectorType();

  /** The input schema plus the output columns, in order; {@code labelCol} null = not fitting. */
  static StructType output(StructType schema, String featuresCol, String labelCol, String[] names, DataType[] types) {
    List<String> cols = Arrays.asList(schema.fieldNames());
    if (!cols.contains(featuresCol)) {
      throw new IllegalArgumentException("no features column '" + featuresCol + "'; columns are " + cols);
    }
    String why = RowRecords.checkFeaturesType(schema.apply(featuresCol).dataType());
    if (why != null) throw new IllegalArgumentException("column '" + featuresCol + "' is " + why);
    if (labelCol != null) {
      if (!cols.contains(labelCol)) throw new IllegalArgumentException("no label column '" + labelCol + "'; columns are " + cols);
      why = RowRecords.checkLabelType(schema.apply(labelCol).dataType());
      if (why != null) throw new IllegalArgumentException("label column '" + labelCol + "' is " + why);
    }
    List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
    for (int i = 0; i < names.length; i++) {
      if (names[i].isEmpty()) continue;
      if (cols.contains(names[i])) throw new IllegalArgumentException("output column '" + names[i] + "' already exists");
      fields.add(DataTypes.createStructField(names[i], types[i], false));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }
}
