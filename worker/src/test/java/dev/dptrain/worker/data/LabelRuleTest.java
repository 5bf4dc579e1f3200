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
}
