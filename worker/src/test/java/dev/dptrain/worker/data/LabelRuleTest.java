package dev.dptrain.worker.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.dptrain.model.data.LabelValues;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Labels to targets: ignored, class indices, regression values and mapped values, from text or Spark values. */
class LabelRuleTest {
  private static final LabelRule PLUS_MINUS = new LabelRule(2, true, LabelValues.of(List.of("-1", "1")));

  private static String error(Runnable r) {
    return assertThrows(DataFormatException.class, r::run).getMessage();
  }

  @Test
  void ignoredLabelsAreNeverLookedAt() {
    assertEquals(0f, LabelRule.IGNORED.target((Object) null, "w"));
    assertEquals(0f, LabelRule.IGNORED.target("not a number", "w"));
  }

  @Test
  void aRegressionLabelThatIsNotANumberGetsNoClassHint() {
    LabelRule regression = LabelRule.classes(0);
    assertEquals("w: label 'abc' is not a number", error(() -> regression.target("abc", "w")));
    assertEquals(-2.5f, regression.target((Object) (-2.5), "w"));
    assertEquals("w: label is Infinity, expected a finite number",
        error(() -> regression.target((Object) Double.POSITIVE_INFINITY, "w")));
  }

  @Test
  void mappedSparkValuesBecomeTheirPositionInTheList() {
    assertEquals(0f, PLUS_MINUS.target((Object) (-1), "w"));
    assertEquals(1f, PLUS_MINUS.target((Object) 1.0, "w"));
    assertEquals(1f, PLUS_MINUS.target((Object) 1L, "w"));
    assertEquals(1f, PLUS_MINUS.target((Object) "+1", "w"), "a string value is read as text");
    assertEquals("w: label is NaN, expected a finite number", error(() -> PLUS_MINUS.target((Object) Double.NaN, "w")));
    assertEquals("w: label 2 is not one of data.labels [-1, 1]", error(() -> PLUS_MINUS.target((Object) 2, "w")));
  }

  @Test
  void floatSparkValuesMatchTheLabelsAsWritten() {
    LabelRule listed = new LabelRule(4, true, LabelValues.of(List.of("0.1", "2.5", "-1", "1e-3")));
    assertEquals(0f, listed.target((Object) 0.1f, "w"));
    assertEquals(1f, listed.target((Object) 2.5f, "w"));
    assertEquals(2f, listed.target((Object) (-1f), "w"));
    assertEquals(3f, listed.target((Object) 1e-3f, "w"));
    assertEquals(0f, listed.target((Object) 0.1, "w"), "a DOUBLE 0.1 is the same label");
    assertEquals(0f, listed.target("0.10", "w"), "and so is the CSV cell");
    assertEquals("w: label 0.2 is not one of data.labels [0.1, 2.5, -1, 0.001]",
        error(() -> listed.target((Object) 0.2f, "w")));
    assertEquals("w: label is NaN, expected a finite number", error(() -> listed.target((Object) Float.NaN, "w")));
  }

  @Test
  void autoLabelsOfFloatsGiveEachFloatItsSortedPosition() {
    List<Object> column = List.of(2.5f, 0.1f, -1f, 1e-3f, 0.1f);
    LabelValues auto = LabelValues.sorted(column.stream().map(LabelValues::canonicalValue).toList());
    assertEquals(List.of("-1", "0.001", "0.1", "2.5"), auto.values());
    LabelRule rule = new LabelRule(4, true, auto);
    float[] expected = {3, 2, 0, 1, 2};
    for (int i = 0; i < expected.length; i++) assertEquals(expected[i], rule.target(column.get(i), "w"));
  }

  @Test
  void aFloatRegressionTargetKeepsItsFloatValue() {
    LabelRule regression = LabelRule.classes(0);
    assertEquals(0.1f, regression.target((Object) 0.1f, "w"));
    assertEquals(Float.MIN_VALUE, regression.target((Object) Float.MIN_VALUE, "w"));
    assertEquals(-6.8538022E8f, regression.target((Object) (-6.8538022E8f), "w"));
  }
}
