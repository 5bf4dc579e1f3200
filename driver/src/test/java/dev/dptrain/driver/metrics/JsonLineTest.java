package dev.dptrain.driver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** One JSON object per line: escaping, integers without a fraction, 7 significant digits, null for non-finite. */
class JsonLineTest {
  @Test
  void stringsAreEscaped() {
    assertEquals("{\"k\":\"a\\\"b\\\\c\\nd\\re\\tf\\u0001\\u001f g\",\"n\":null}",
        new JsonLine().put("k", "a\"b\\c\nd\re\tf\u0001\u001f g").put("n", (String) null).toString());
  }

  @Test
  void numbersAreShortAndValidJson() {
    String line = new JsonLine().put("i", 42L).put("whole", 3.0).put("big", 999_999_999_999_999.0).put("huge", 1e15)
        .put("frac", 0.1).put("neg", -2.5).put("nan", Double.NaN).put("inf", Double.NEGATIVE_INFINITY).toString();
    assertEquals("{\"i\":42,\"whole\":3,\"big\":999999999999999,\"huge\":1E+15,\"frac\":0.1,\"neg\":-2.5,\"nan\":null,"
        + "\"inf\":null}", line);
    assertEquals("{\"a\":[1,null,0.3333333],\"raw\":{\"x\":1}}",
        new JsonLine().put("a", new double[] {1, Double.NaN, 1.0 / 3}).putRaw("raw", "{\"x\":1}").toString());
    assertEquals("{}", new JsonLine().toString());
  }
}
