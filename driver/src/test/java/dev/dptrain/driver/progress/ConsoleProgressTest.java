package dev.dptrain.driver.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.progress.ConsoleProgress.Mode;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.train.Stepper.StepInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConsoleProgressTest {
  private static final long HALF_SECOND = 500_000_000L;

  /** A clock the test advances by hand. */
  private static final class FakeClock {
    long now = 1_000_000_000L;
  }

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  private final FakeClock clock = new FakeClock();

  private String text() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static Evaluation eval(double loss, long correct, long count) {
    Evaluation e = new Evaluation();
    e.lossSum = loss * count;
    e.correct = correct;
    e.count = count;
    return e;
  }

  /** Steps [from, to) of 128 examples, 0.5 s apart, loss 1/(step+1). */
  private void steps(ConsoleProgress p, long from, long to) {
    for (long s = from; s < to; s++) {
      clock.now += HALF_SECOND;
      p.onStep(new StepInfo(s, 0.1, 1.0 / (s + 1), 0.5, 2.0, 128), HALF_SECOND, HALF_SECOND / 2);
    }
  }

  @Test
  void linesModePrintsEveryLogEveryStepsWithPercentageRateAndEta() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.LINES, 2, 10, 2, () -> clock.now);
    steps(p, 0, 4);
    String[] lines = text().split("\n");
    assertEquals(2, lines.length, text());
    // after 4 of 10 steps at 0.5 s each: 6 steps left = 3 s; 2 x 128 examples per second
    assertTrue(lines[1].contains("4/10  40%"), lines[1]);
    assertTrue(lines[1].contains("ETA 0:03"), lines[1]);
    assertTrue(lines[1].contains("256 samples/s"), lines[1]);
    assertTrue(lines[1].contains("epoch 1/2"), lines[1]);
    // window mean loss of steps 3 and 4: (1/3 + 1/4) / 2
    assertTrue(lines[1].contains(String.format("loss %.4f", (1 / 3.0 + 1 / 4.0) / 2)), lines[1]);
    assertFalse(text().contains("\r"), "no carriage returns in line mode");
  }

  @Test
  void linesModeEpochLineHasTrainValidationAndElapsedTime() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.LINES, 100, 10, 2, () -> clock.now);
    steps(p, 0, 10);
    p.onEpoch(0, eval(0.5, 80, 100), eval(0.6, 70, 100));
    assertEquals("epoch 1/2  train loss 0.5000 acc 0.8000 | validation loss 0.6000 acc 0.7000  (0:05, total 0:05)\n",
        text());
    steps(p, 10, 14);
    assertTrue(text().isEmpty() || !text().contains("\r"));
  }

  @Test
  void barModeRedrawsInPlaceAtMostTenTimesASecond() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.BAR, 1, 100, 1, () -> clock.now);
    for (long s = 0; s < 100; s++) {
      clock.now += 20_000_000L; // 50 steps a second
      p.onStep(new StepInfo(s, 0.1, 0.7, 0.5, 2.0, 64), 20_000_000L, 10_000_000L);
    }
    p.onEpoch(0, eval(0.7, 50, 100), null);
    String t = text();
    long redraws = t.chars().filter(c -> c == '\r').count();
    // 2 s of steps: about 20 redraws at 10 per second, plus the final one at 100%
    assertTrue(redraws >= 18 && redraws <= 22, "redraws " + redraws);
    assertFalse(t.substring(0, t.lastIndexOf('\r')).contains("\n"), "the bar stays on one line");
    String last = t.substring(t.lastIndexOf('\r') + 1);
    assertTrue(last.startsWith("epoch 1/1 [========================] 100/100 100%  loss 0.7000  3,200 samples/s  ETA 0:00"), last);
    assertTrue(last.contains("\nepoch 1/1  train loss 0.7000 acc 0.5000  (0:02, total 0:02)\n"), last);
  }

  @Test
  void barShowsSmoothedLossAndEtaMidEpoch() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.BAR, 1, 10, 3, () -> clock.now);
    steps(p, 0, 4);
    String last = text().substring(text().lastIndexOf('\r') + 1);
    assertTrue(last.startsWith("epoch 1/3 [=========>              ] 4/10  40%"), last);
    assertTrue(last.contains("ETA 0:03"), last);
    assertTrue(last.contains("256 samples/s"), last);
    // bias-corrected EMA of 1, 1/2, 1/3, 1/4 with weight 0.9 on the history
    double num = 0.1 * (0.729 * 1 + 0.81 * 0.5 + 0.9 / 3 + 0.25);
    double den = 0.1 * (0.729 + 0.81 + 0.9 + 1);
    assertTrue(last.contains(String.format("loss %.4f", num / den)), last);
  }

  @Test
  void offModePrintsOnlyEpochLines() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.OFF, 1, 10, 1, () -> clock.now);
    steps(p, 0, 10);
    assertEquals("", text());
    p.onEpoch(0, eval(0.5, 80, 100), null);
    assertTrue(text().startsWith("epoch 1/1  train loss 0.5000"));
  }

  @Test
  void aLineCoversTheWindowSinceTheLastLine() {
    clock.now = -7_000_000_000L; // a nanosecond clock may read negative
    ConsoleProgress p = new ConsoleProgress(out, Mode.LINES, 4, 10, 1, () -> clock.now);
    steps(p, 0, 8);
    String[] lines = text().split("\n");
    assertEquals(2, lines.length, text());
    // 4 steps of 0.5 s: 512 examples in 2 s; 6 steps left at 0.5 s each
    assertTrue(lines[0].startsWith("step      4  epoch 1/1      4/10  40%"), lines[0]);
    assertTrue(lines[0].contains("256 samples/s  ETA 0:03"), lines[0]);
    assertTrue(lines[1].startsWith("step      8  epoch 1/1      8/10  80%"), lines[1]);
    assertTrue(lines[1].contains(String.format("loss %.4f", (1 / 5.0 + 1 / 6.0 + 1 / 7.0 + 1 / 8.0) / 4)), lines[1]);
    assertTrue(lines[1].contains("256 samples/s  ETA 0:01"), lines[1]);
  }

  /** The time between steps (a checkpoint, say) counts in the rate; the first step of an epoch counts its own time. */
  @Test
  void theBarTimesStepsByTheClockBetweenThem() {
    clock.now = -7_000_000_000L;
    ConsoleProgress p = new ConsoleProgress(out, Mode.BAR, 1, 10, 2, () -> clock.now);
    for (long s = 0; s < 3; s++) {
      clock.now += 1_000_000_000L; // a step of 0.25 s, then 0.75 s writing a checkpoint
      p.onStep(new StepInfo(s, 0.1, 0.5, 0.5, 2.0, 100), 250_000_000L, 100_000_000L);
    }
    String first = text().substring(1, text().indexOf('\r', 1));
    assertTrue(first.contains("400 samples/s"), "the first step: its own 0.25 s: " + first);
    String last = text().substring(text().lastIndexOf('\r') + 1);
    // bias-corrected average of 0.25, 1, 1 s per step with weight 0.9 on the history
    double sps = (0.81 * 0.25 + 0.9 + 1) / (0.81 + 0.9 + 1);
    assertTrue(last.contains(String.format(java.util.Locale.ROOT, "%,.0f samples/s", 100 / sps)), last + " vs " + 100 / sps);
  }

  @Test
  void theBarIsRedrawnEveryTenthOfASecondFlushedAndPaddedOverALongerLine() {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    PrintStream buffered = new PrintStream(new java.io.BufferedOutputStream(raw, 1 << 16), false, StandardCharsets.UTF_8);
    ConsoleProgress p = new ConsoleProgress(buffered, Mode.BAR, 1, 1000, 1, () -> clock.now);
    for (long s = 0; s < 12; s++) {
      clock.now += ConsoleProgress.REDRAW_NANOS; // exactly the redraw interval
      p.onStep(new StepInfo(s, 0.1, 0.5, 0.5, 2.0, s < 10 ? 100_000 : 1), ConsoleProgress.REDRAW_NANOS, 1);
    }
    String t = raw.toString(StandardCharsets.UTF_8);
    String[] draws = t.substring(1).split("\r", -1);
    assertEquals(12, draws.length, "every step drawn, each visible at once");
    // each draw is padded with spaces exactly over what is left of the text before it on the line
    for (int i = 1; i < draws.length; i++) {
      int text = draws[i].stripTrailing().length();
      assertEquals(Math.max(text, draws[i - 1].stripTrailing().length()), draws[i].length(), "draw " + i);
    }
    assertTrue(draws[10].stripTrailing().length() < draws[9].length(), "the lower rate is a shorter line: " + draws[10]);
  }

  @Test
  void regressionEpochLinesShowErrorFiguresInTargetUnits() {
    ConsoleProgress p = new ConsoleProgress(out, Mode.BAR, 1, 10, 1, () -> clock.now);
    Evaluation train = eval(0.75, 0, 4);
    train.hasAccuracy = false;
    Evaluation val = eval(0.5, 0, 2);
    val.hasAccuracy = false;
    val.addRegression(new float[] {1, 2}, new float[] {1.5f, 3.5f}, 2);
    p.onEpoch(0, train, val);
    assertEquals("epoch 1/1  train loss(½se) 0.7500 | validation mse 1.250 rmse 1.118 mae 1.000 r2 -0.2500  (0:00, total 0:00)\n",
        text(), "no empty line before it: no bar was drawn");
  }

  @Test
  void autoModeUsesTheBarOnlyOnARealTerminal() {
    assertEquals(Mode.BAR, Mode.AUTO.resolve(true, "xterm-256color"));
    assertEquals(Mode.LINES, Mode.AUTO.resolve(true, "dumb"));
    assertEquals(Mode.LINES, Mode.AUTO.resolve(true, null));
    assertEquals(Mode.LINES, Mode.AUTO.resolve(false, "xterm"));
    assertEquals(Mode.OFF, Mode.OFF.resolve(true, "xterm"));
    assertEquals("1:01:05", ConsoleProgress.duration(3665));
    assertEquals("?", ConsoleProgress.duration(Double.NaN));
    assertEquals("?", ConsoleProgress.duration(-1));
    assertEquals("1:00:00", ConsoleProgress.duration(3600));
    assertEquals("59:59", ConsoleProgress.duration(3599.4));
    assertEquals(Mode.LINES, Mode.parse("lines"));
    assertEquals(Mode.OFF, Mode.OFF.resolveForStdout());
    assertThrows(IllegalArgumentException.class, () -> new ConsoleProgress(out, Mode.AUTO, 1, 10, 1, () -> clock.now));
  }
}
