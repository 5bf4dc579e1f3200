package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/** Spark SQL rows to examples without a Spark session: arrays, ML vector structs, objects with toArray. */
class RowRecordsTest {
  private static final RowRecords CLASSES = new RowRecords(3, LabelRule.classes(4), "f", "y");
  private static final StructType VECTOR = new StructType()
      .add("type", DataTypes.ByteType).add("size", DataTypes.IntegerType)
      .add("indices", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("values", DataTypes.createArrayType(DataTypes.DoubleType));

  private static scala.collection.Seq<Object> seq(Object... values) {
    return JavaConverters.asScalaBuffer(Arrays.asList(values));
  }

  private static Row dense(Object... values) {
    return new GenericRowWithSchema(new Object[] {(byte) 1, null, null, seq(values)}, VECTOR);
  }

  private static Row sparse(int size, List<Object> idx, List<Object> values) {
    return new GenericRowWithSchema(new Object[] {(byte) 0, size, seq(idx.toArray()), seq(values.toArray())}, VECTOR);
  }

  /** Like Spark ML's DenseVector: anything with a public {@code double[] toArray()}. */
  public static final class Vec {
    private final double[] a;

    Vec(double... a) {
      this.a = a;
    }

    public double[] toArray() {
      return a.clone();
    }
  }

  private static void assertExample(Example e, float label, float... x) {
    assertArrayEquals(x, e.features());
    assertEquals(label, e.label());
  }

  @Test
  void everyFeaturesRepresentation() {
    assertExample(CLASSES.example(RowFactory.create("skip", seq(1f, 2f, 3f), 2), 1, "r"), 2f, 1f, 2f, 3f);
    assertExample(CLASSES.example(RowFactory.create(seq(1.5, -2.0, 0.25), 3L), 0, "r"), 3f, 1.5f, -2f, 0.25f);
    assertExample(CLASSES.example(RowFactory.create(dense(4.0, 5.0, 6.0), (short) 1), 0, "r"), 1f, 4f, 5f, 6f);
    assertExample(CLASSES.example(RowFactory.create(sparse(3, List.of(0, 2), List.of(7.0, 8.0)), 0.0), 0, "r"),
        0f, 7f, 0f, 8f);
    assertExample(CLASSES.example(RowFactory.create(new Vec(9, 8, 7), 0), 0, "r"), 0f, 9f, 8f, 7f);
    // No label required: only the features column is read.
    assertExample(new RowRecords(2, LabelRule.IGNORED, "f", null).example(RowFactory.create(seq(1f, 2f)), 0, "r"),
        0f, 1f, 2f);
  }

  private static String error(Row r) {
    return assertThrows(DataFormatException.class, () -> CLASSES.example(r, 0, "p.parquet: row 5")).getMessage();
  }

  @Test
  void errorsNameTheRowTheColumnAndTheProblem() {
    String at = "p.parquet: row 5: column 'f': ";
    assertEquals(at + "features are null", error(RowFactory.create(null, 1)));
    assertEquals(at + "2 features, expected 3", error(RowFactory.create(seq(1f, 2f), 1)));
    assertEquals(at + "feature 1 is null", error(RowFactory.create(seq(1f, null, 2f), 1)));
    assertEquals(at + "feature 2 is NaN, expected a finite number", error(RowFactory.create(seq(1f, 2f, Float.NaN), 1)));
    assertEquals(at + "dense vector of size 2, expected 3", error(RowFactory.create(dense(1.0, 2.0), 1)));
    assertEquals(at + "feature 0 is Infinity, expected a finite number",
        error(RowFactory.create(dense(Double.POSITIVE_INFINITY, 2.0, 3.0), 1)));
    assertEquals(at + "sparse vector of size 4, expected 3", error(RowFactory.create(sparse(4, List.of(), List.of()), 1)));
    assertEquals(at + "sparse index 3 outside [0, 3)", error(RowFactory.create(sparse(3, List.of(3), List.of(1.0)), 1)));
    assertEquals(at + "sparse index -1 outside [0, 3)", error(RowFactory.create(sparse(3, List.of(-1), List.of(1.0)), 1)));
    assertEquals(at + "vector of size 2, expected 3", error(RowFactory.create(new Vec(1, 2), 1)));
    assertEquals(at + "feature 1 is -Infinity, expected a finite number",
        error(RowFactory.create(new Vec(1, Double.NEGATIVE_INFINITY, 2), 1)));
    assertEquals(at + "unsupported features value java.lang.String", error(RowFactory.create("1,2,3", 1)));
    assertEquals("p.parquet: row 5: column 'y': label is null", error(RowFactory.create(seq(1f, 2f, 3f), null)));
    assertEquals("p.parquet: row 5: column 'y': label 4.0 is not a class index in [0, 4); set data.labels = auto (or list the"
        + " labels, e.g. [-1, 1]) to map the file's labels to classes",
        error(RowFactory.create(seq(1f, 2f, 3f), 4)));
    assertEquals("p.parquet: row 5: column 'y': label 1.5 is not a class index in [0, 4); set data.labels = auto (or list the"
        + " labels, e.g. [-1, 1]) to map the file's labels to classes",
        error(RowFactory.create(seq(1f, 2f, 3f), 1.5)));
  }

  /** A user-defined type stored as {@code sql}, as Spark ML's VectorUDT is stored as a struct. */
  static final class Udt extends org.apache.spark.sql.types.UserDefinedType<Object> {
    private final org.apache.spark.sql.types.DataType sql;

    Udt(org.apache.spark.sql.types.DataType sql) {
      this.sql = sql;
    }

    @Override
    public org.apache.spark.sql.types.DataType sqlType() {
      return sql;
    }

    @Override
    public Object serialize(Object o) {
      return o;
    }

    @Override
    public Object deserialize(Object d) {
      return d;
    }

    @Override
    public Class<Object> userClass() {
      return Object.class;
    }
  }

  @Test
  void columnTypeChecks() {
    assertNull(RowRecords.checkFeaturesType(new Udt(VECTOR)));
    assertNull(RowRecords.checkFeaturesType(new Udt(DataTypes.createArrayType(DataTypes.DoubleType))));
    org.junit.jupiter.api.Assertions.assertNotNull(RowRecords.checkFeaturesType(new Udt(DataTypes.StringType)));
    assertNull(RowRecords.checkFeaturesType(DataTypes.createArrayType(DataTypes.FloatType)));
    assertNull(RowRecords.checkFeaturesType(DataTypes.createArrayType(DataTypes.DoubleType)));
    assertNull(RowRecords.checkFeaturesType(VECTOR));
    assertEquals("array<int>, expected array<float>, array<double> or a Spark ML Vector",
        RowRecords.checkFeaturesType(DataTypes.createArrayType(DataTypes.IntegerType)));
    assertEquals("struct<type:tinyint,size:int>, expected array<float>, array<double> or a Spark ML Vector",
        RowRecords.checkFeaturesType(new StructType().add("type", DataTypes.ByteType).add("size", DataTypes.IntegerType)));
    assertEquals("string, expected array<float>, array<double> or a Spark ML Vector",
        RowRecords.checkFeaturesType(DataTypes.StringType));
    LabelRule indices = LabelRule.classes(3);
    LabelRule named = new LabelRule(3, true, dev.dptrain.model.data.LabelValues.of(List.of("a", "b", "c")));
    assertNull(RowRecords.checkLabelType(DataTypes.IntegerType, indices));
    assertNull(RowRecords.checkLabelType(DataTypes.DoubleType, indices));
    assertEquals("string; set data.labels = auto (or list the labels) to map them to classes",
        RowRecords.checkLabelType(DataTypes.StringType, indices));
    assertNull(RowRecords.checkLabelType(DataTypes.StringType, named));
    assertEquals("boolean, expected a numeric type or a string", RowRecords.checkLabelType(DataTypes.BooleanType, named));
  }

  @Test
  void keptColumnsFollowTheFeaturesAndTheLabel() {
    RowRecords labelled = new RowRecords(3, LabelRule.classes(4), "f", "y", 2);
    Example e = labelled.example(RowFactory.create("skip", seq(1f, 2f, 3f), 2, "id7", null), 1, "r");
    assertExample(e, 2f, 1f, 2f, 3f);
    assertArrayEquals(new String[] {"id7", "null"}, e.kept());
    // Prediction input without labels: the kept columns start right after the features.
    RowRecords unlabelled = new RowRecords(2, LabelRule.IGNORED, "f", null, 1);
    Example u = unlabelled.example(RowFactory.create("skip", seq(1f, 2f), 42L), 1, "r");
    assertArrayEquals(new String[] {"42"}, u.kept());
    assertNull(CLASSES.example(RowFactory.create(seq(1f, 2f, 3f), 1), 0, "r").kept(), "nothing kept");
  }

  @Test
  void numericLabelTypeWithoutMapping() {
    assertNull(RowRecords.checkLabelType(DataTypes.LongType));
    assertEquals("string, expected a numeric type", RowRecords.checkLabelType(DataTypes.StringType));
  }
}
