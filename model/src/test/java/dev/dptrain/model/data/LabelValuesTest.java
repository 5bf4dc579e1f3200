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

  @Test
  void aTypedValueIsSpelledAsTheSameLabelWrittenAsText() {
    assertEquals("0.1", LabelValues.canonicalValue(0.1f), "a float is not widened to 0.10000000149011612");
    assertEquals("0.001", LabelValues.canonicalValue(1e-3f));
    assertEquals("2.5", LabelValues.canonicalValue(2.5f));
    assertEquals("-1", LabelValues.canonicalValue(-1f));
    assertEquals("0", LabelValues.canonicalValue(-0f));
    assertEquals(LabelValues.canonical("1e20"), LabelValues.canonicalValue(1e20f));
    assertEquals(LabelValues.canonical("3.4028235e38"), LabelValues.canonicalValue(Float.MAX_VALUE));
    assertEquals("0.1", LabelValues.canonicalValue(0.1));
    assertEquals("7", LabelValues.canonicalValue(7L));
    assertEquals("2.5", LabelValues.canonicalValue(new java.math.BigDecimal("2.50")));
    assertEquals("1", LabelValues.canonicalValue(" +1.0 "));
    assertEquals("NaN", LabelValues.canonicalValue(Float.NaN), "as its text, like the string NaN");
  }

  @Test
  void aFloatsShortestDecimalHasTheFewestDigitsThatReadBack() {
    // Java 17's Float.toString gives -6.8538022E8 here; 7 digits name the same float.
    assertEquals(-6.8538022E8f, -6.853802E8f);
    assertEquals("-6.853802E+8", LabelValues.shortest(-6.8538022E8f));
    assertEquals("1E-45", LabelValues.shortest(Float.MIN_VALUE));
    // 2^-126 (a power of two: the float below it is nearer than the one above), 33554432 = 2^25
    assertEquals("1.1754944E-38", LabelValues.shortest(Float.MIN_NORMAL));
    assertEquals("33554432", LabelValues.shortest(33554432f));
    assertEquals("0.3", LabelValues.shortest(0.3f));
  }
}
