package dev.dptrain.worker.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.train.StepCoordinates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Byte layouts of the frames, zero-length arrays, buffer growth, flushing and waiting on timeouts. */
class WireFramesTest {
  private static final Wire.StillWaiting NEVER = () -> {};

  private static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void helloEndAndStepLayouts() {
    ByteBuffer h = le(Wire.hello(0x0102030405060708L, 9, 2));
    assertEquals(Wire.HELLO_BYTES, h.capacity());
    assertEquals(Wire.MAGIC, h.getInt());
    assertEquals(0x0102030405060708L, h.getLong());
    assertEquals(9, h.getInt());
    assertEquals(2, h.getInt());
    assertArrayEquals(new byte[] {2, 0, 0, 0}, Wire.end());
    byte[] frame = Wire.step(new StepCoordinates(5, 1, 2, 3, 4), new float[] {1.5f, -2f}, new byte[3]);
    assertEquals(Wire.STEP_HEADER + 8, frame.length, "a reuse array of the wrong size is not used");
    ByteBuffer s = le(frame);
    assertEquals(Wire.STEP, s.getInt());
    assertEquals(5, s.getLong());
    assertEquals(1, s.getInt());
    assertEquals(2, s.getLong());
    assertEquals(3, s.getLong());
    assertEquals(4, s.getLong());
    assertEquals(2, s.getInt());
    assertEquals(1.5f, s.getFloat());
    assertEquals(-2f, s.getFloat());
  }

  @Test
  void channelStepEncodesItsFrameOnce() throws IOException {
    ChannelStep cs = new ChannelStep(new StepCoordinates(1, 0, 0, 0, 1), new float[] {3f});
    assertNull(cs.frame());
    byte[] f = cs.encode(null);
    assertSame(f, cs.frame());
    assertArrayEquals(Wire.step(cs.at(), cs.params(), null), f);
    assertSame(f, cs.encode(f));
    ChannelStep back = new Wire().readStep(new ByteArrayInputStream(f), null, NEVER);
    assertEquals(cs.at(), back.at());
  }

  @Test
  void emptyArraysAreNotAbsentArrays() throws IOException {
    GradientSum r = new GradientSum();
    r.grad = new float[0];
    r.normStats = new double[0];
    r.count = 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Wire().writeResult(out, r);
    assertEquals(36 + 8, out.size());
    GradientSum back = new Wire().readResult(new ByteArrayInputStream(out.toByteArray()), null, NEVER);
    assertArrayEquals(new float[0], back.grad);
    assertArrayEquals(new double[0], back.normStats);
  }

  @Test
  void resultWithStatsButNoGradientAndTheExactLayout() throws IOException {
    GradientSum r = new GradientSum();
    r.normStats = new double[] {1, 2};
    r.grad = new float[] {7f};
    r.count = 3;
    AtomicInteger flushes = new AtomicInteger();
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public void flush() {
        flushes.incrementAndGet();
      }
    };
    Wire wire = new Wire();
    wire.writeResult(out, r);
    assertEquals(1, flushes.get(), "a result is flushed to the driver at once");
    ByteBuffer b = le(out.toByteArray());
    assertEquals(36 + 4 + 4 + 4 + 16, b.capacity());
    assertEquals(Wire.RESULT, b.getInt());
    assertEquals(3, b.getLong());
    b.position(36);
    assertEquals(1, b.getInt());
    assertEquals(7f, b.getFloat());
    assertEquals(2, b.getInt());
    assertEquals(1.0, b.getDouble());
    assertEquals(2.0, b.getDouble());
    // The same Wire grows its buffer for a larger result and still writes every byte.
    GradientSum big = new GradientSum();
    big.grad = new float[100];
    for (int i = 0; i < 100; i++) big.grad[i] = i;
    ByteArrayOutputStream out2 = new ByteArrayOutputStream();
    wire.writeResult(out2, big);
    float[] reuse = new float[99];
    GradientSum back = new Wire().readResult(new ByteArrayInputStream(out2.toByteArray()), reuse, NEVER);
    assertNotSame(reuse, back.grad, "a reuse array of the wrong size is not used");
    assertArrayEquals(big.grad, back.grad);
    assertNull(back.normStats);
  }

  @Test
  void stepParamsReuseAndTypes() throws IOException {
    float[] params = {1, 2, 3};
    byte[] frame = Wire.step(new StepCoordinates(1, 0, 0, 0, 1), params, null);
    float[] reuse = new float[3];
    assertSame(reuse, new Wire().readStep(new ByteArrayInputStream(frame), reuse, NEVER).params());
    float[] other = new float[2];
    assertNotSame(other, new Wire().readStep(new ByteArrayInputStream(frame), other, NEVER).params());
    byte[] bad = le(new byte[4]).putInt(7).array();
    IOException e = assertThrows(IOException.class, () -> new Wire().readStep(new ByteArrayInputStream(bad), null, NEVER));
    assertEquals("expected a STEP or END frame, got type 7", e.getMessage());
  }

  @Test
  void readTimeoutsAskWhetherToKeepWaitingAndLoseNoByte() throws IOException {
    byte[] frame = Wire.step(new StepCoordinates(2, 0, 1, 1, 3), new float[] {4f, 5f}, null);
    int[] calls = {0};
    InputStream slow = new InputStream() {
      int pos;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        calls[0]++;
        if (calls[0] % 2 == 1) throw new SocketTimeoutException("slow");
        if (pos == frame.length) return -1;
        b[off] = frame[pos++]; // one byte at a time
        return 1;
      }
    };
    AtomicInteger checks = new AtomicInteger();
    ChannelStep s = new Wire().readStep(slow, null, checks::incrementAndGet);
    assertArrayEquals(new float[] {4f, 5f}, s.params());
    assertEquals(frame.length, checks.get(), "one check per timeout");
    Wire.StillWaiting dead = () -> {
      throw new IOException("peer gone");
    };
    InputStream timesOut = new InputStream() {
      @Override
      public int read() {
        return -1;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        throw new SocketTimeoutException();
      }
    };
    assertEquals("peer gone", assertThrows(IOException.class, () -> new Wire().readStep(timesOut, null, dead)).getMessage());
    assertTrue(calls[0] > 0);
  }
}
