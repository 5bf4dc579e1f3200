package dev.dptrain.worker.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.train.StepCoordinates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The step channel's frames carry every field exactly (floats and doubles bit for bit). */
class WireTest {
  private static final Wire.StillWaiting NEVER = () -> {};

  @Test
  void resultRoundTripsBitForBit() throws IOException {
    GradientSum r = new GradientSum();
    r.grad = new float[] {1.5f, -0f, Float.MIN_VALUE, 3.4e38f, -7.25f};
    r.normStats = new double[] {2, 0.1, -1e-300, 5};
    r.count = 123;
    r.correct = 45;
    r.lossSum = Math.PI;
    r.computeNanos = 987_654_321L;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Wire wire = new Wire();
    wire.writeResult(out, r);
    wire.writeResult(out, new GradientSum()); // an empty partition: no arrays
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    float[] reuse = new float[5];
    GradientSum back = new Wire().readResult(in, reuse, NEVER);
    assertSame(reuse, back.grad);
    assertArrayEquals(r.grad, back.grad);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.grad[1]));
    assertArrayEquals(r.normStats, back.normStats);
    assertEquals(123, back.count);
    assertEquals(45, back.correct);
    assertEquals(Math.PI, back.lossSum);
    assertEquals(987_654_321L, back.computeNanos);
    GradientSum empty = new Wire().readResult(in, null, NEVER);
    assertNull(empty.grad);
    assertNull(empty.normStats);
    assertEquals(0, empty.count);
  }

  @Test
  void stepFramesAndEnd() throws IOException {
    float[] params = new float[1000];
    for (int i = 0; i < params.length; i++) params[i] = (float) Math.sin(i);
    StepCoordinates at = new StepCoordinates(-42, 3, 1_000_000_007L, 17, 20);
    byte[] frame = Wire.step(at, params, null);
    assertSame(frame, Wire.step(at, params, frame), "a frame of the same size is reused");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(frame);
    out.write(Wire.end());
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    Wire wire = new Wire();
    ChannelStep f = wire.readStep(in, null, NEVER);
    assertEquals(at, f.at());
    assertArrayEquals(params, f.params());
    assertNull(wire.readStep(in, f.params(), NEVER));
  }

  @Test
  void truncatedFrameIsAnEofNamingTheShortfall() {
    byte[] frame = Wire.step(new StepCoordinates(7, 0, 1, 1, 5), new float[10], null);
    ByteArrayInputStream in = new ByteArrayInputStream(Arrays.copyOf(frame, frame.length - 3));
    EOFException e = assertThrows(EOFException.class, () -> new Wire().readStep(in, null, NEVER));
    assertTrue(e.getMessage().contains("37 of 40 bytes"), e.getMessage());
  }

  @Test
  void unexpectedFrameTypeIsRefused() {
    ByteArrayInputStream in = new ByteArrayInputStream(Wire.step(new StepCoordinates(7, 0, 1, 1, 5), new float[10], null));
    IOException e = assertThrows(IOException.class, () -> new Wire().readResult(in, null, NEVER));
    assertTrue(e.getMessage().contains("expected a RESULT frame"), e.getMessage());
  }
}
