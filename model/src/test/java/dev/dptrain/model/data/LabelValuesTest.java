package dev.dptrain.model.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LabelValuesTest {
  @Test
  void numbersHaveOneSpelling() {
    assertEquals("1", LabelValues.canonical(" +1.0 "));
    assertEquals("-1", LabelValues.canonical("-1"));
    assertEquals("0", LabelValues.canonical("-0.0"));
    assertEquals("2.5", LabelValues.canonical("2.50"));
    assertEquals("setosa", LabelValues.canonical(" setosa"));
    // Java's parser would take these as numbers; as labels they are text.
    assertEquals("NaN", LabelValues.canonical("NaN"));
    assertEquals("1d", LabelValues.canonical("1d"));
  }

  @Test
  void autoSortsNumbersNumericallyAndTextAsText() {
    LabelValues pm = LabelValues.sorted(List.of("1", "-1", "+1", "-1.0"));
    assertEquals(List.of("-1", "1"), pm.values());
    assertTrue(pm.numeric());
    assertEquals(List.of("2", "10"), LabelValues.sorted(List.of("10", "2")).values());
    LabelValues text = LabelValues.sorted(List.of("virginica", "setosa", "10"));
    assertEquals(List.of("10", "setosa", "virginica"), text.values());
    assertFalse(text.numeric());
    assertEquals(1, text.indexOf("setosa"));
    assertEquals(-1, text.indexOf("versicolor"));
  }

  @Test
  void anExplicitListKeepsItsOrderAndRefusesDuplicates() {
    LabelValues l = LabelValues.of(List.of("1", "-1"));
    assertEquals(0, l.indexOf("1"));
    assertEquals(1, l.indexOf(LabelValues.canonical("-1.0")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LabelValues.of(List.of("1", "1.0")));
    assertEquals("label 1 is listed twice", e.getMessage());
    assertFalse(LabelValues.INDICES.mapped());
  }
}
