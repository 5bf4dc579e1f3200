package dev.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.holdenkarau.spark.testing.DataFrameSuiteBase$;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * DataFrame equality for the stages' {@code transform} output: the same schema, the same number of
 * rows and, row by row in order, values equal or, for doubles and floats, within a tolerance, judged
 * by spark-testing-base's row comparison ({@code DataFrameSuiteBase.approxEquals}). Its JUnit base
 * classes are not used: their constructor sets up a Hive metastore this project does not ship.
 * For the small frames of the tests only (both are collected).
 */
final class DataFrames {
  private DataFrames() {}

  /** Equal bit for bit (a tolerance of 0; NaN equals NaN). */
  static void assertFramesEqual(Dataset<Row> expected, Dataset<Row> actual) {
    assertFramesApproximatelyEqual(expected, actual, 0);
  }

  static void assertFramesApproximatelyEqual(Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
    assertEquals(expected.schema(), actual.schema(), "schema");
    List<Row> want = expected.collectAsList();
    List<Row> got = actual.collectAsList();
    assertEquals(want.size(), got.size(), "rows");
    for (int i = 0; i < want.size(); i++) {
      Row w = want.get(i);
      Row g = got.get(i);
      assertTrue(w.equals(g) || DataFrameSuiteBase$.MODULE$.approxEquals(w, g, tolerance),
          "row " + i + ": expected " + w + ", got " + g + " (tolerance " + tolerance + ")");
    }
  }
}
