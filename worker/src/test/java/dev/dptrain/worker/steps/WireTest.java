package dev.dptrain.worker.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The step channel's frames carry every field exactly (floats and doubles bit for bit), and a
 * frame that is forged, replayed, meant for another link or of the wrong size is refused.
 */
class WireTest {
  private static final Wire.StillWaiting NEVER = () -> {};
  private static final byte[] SECRET = LinkAuth.newSecret();
  private static final byte[] CHALLENGE = LinkAuth.newNonce();
  private static final byte[] NONCE = LinkAuth.newNonce();

  private static LinkAuth auth(int partition) {
    return LinkAuth.derive(SECRET, 77, 0, partition, CHALLENGE, NONCE);
  }

  private static Wire wire(int params, int stats) {
    return new Wire(auth(0), params, stats);
  }

  private static GradientSum result() {
    GradientSum r = new GradientSum();
    r.grad = new float[] {1.5f, -0f, Float.MIN_VALUE, 3.4e38f, -7.25f};
    r.normStats = new double[] {2, 0.1, -1e-300, 5};
    r.count = 123;
    r.correct = 45;
    r.lossSum = Math.PI;
    r.computeNanos = 987_654_321L;
    return r;
  }

  @Test
  void resultRoundTripsBitForBit() throws IOException {
    GradientSum r = result();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Wire task = wire(5, 4);
    task.writeResult(out, r, 9);
    task.writeResult(out, new GradientSum(), 10); // an empty partition: no arrays
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
    float[] reuse = new float[5];
    Wire driver = wire(5, 4);
    GradientSum back = driver.readResult(in, reuse, 9, NEVER);
    assertSame(reuse, back.grad);
    assertArrayEquals(r.grad, back.grad);
    assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.grad[1]));
    assertArrayEquals(r.normStats, back.normStats);
    assertEquals(123, back.count);
    assertEquals(45, back.correct);
    assertEquals(Math.PI, back.lossSum);
    assertEquals(987_654_321L, back.computeNanos);
    GradientSum empty = driver.readResult(in, null, 10, NEVER);
    assertNull(empty.grad);
    assertNull(empty.normStats);
    assertEquals(0, empty.count);
  }

  /** The bytes the driver writes for {@code frame}, sealed under job 77's step key. */
  private static byte[] sealed(StepFrame frame) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    frame.seal(LinkAuth.steps(SECRET, 77));
    frame.writeTo(out);
    assertEquals(frame.length(), out.size());
    return out.toByteArray();
  }

  private static byte[] stepBytes(long seq, float[] params) throws IOException {
    return sealed(StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), params, seq, null));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }

  @Test
  void stepFramesAndEnd() throws IOException {
    float[] params = new float[1000];
    for (int i = 0; i < params.length; i++) params[i] = (float) Math.sin(i);
    StepCoordinates at = new StepCoordinates(-42, 3, 1_000_000_007L, 17, 20);
    byte[] bytes = concat(sealed(StepFrame.step(at, params, 0, null)), sealed(StepFrame.end(1)));
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    Wire task = wire(1000, 0);
    ChannelStep f = task.readStep(in, null, NEVER);
    assertEquals(at, f.at());
    assertArrayEquals(params, f.params());
    assertNull(task.readStep(in, f.params(), NEVER));
    assertEquals(0, in.available(), "END read whole");
  }

  @Test
  void oneSealedStepFrameOpensOnEveryTaskOfTheJobAndNoOtherJob() throws IOException {
    float[] params = {1, 2, 3, 4, 5};
    byte[] bytes = stepBytes(3, params);
    for (int partition = 0; partition < 4; partition++) {
      Wire task = new Wire(auth(partition), 5, 0);
      assertArrayEquals(params, task.readStep(new ByteArrayInputStream(bytes), null, NEVER).params());
    }
    LinkAuth otherJob = LinkAuth.derive(SECRET, 78, 0, 0, CHALLENGE, NONCE);
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> new Wire(otherJob, 5, 0).readStep(new ByteArrayInputStream(bytes), null, NEVER));
    assertTrue(e.getMessage().contains("STEP 1 failed authentication"), e.getMessage());
  }

  @Test
  void stepFramesMustComeInOrderOnAConnection() throws IOException {
    float[] params = {1, 2, 3};
    byte[] first = stepBytes(4, params);
    Wire task = wire(3, 0);
    ByteArrayInputStream in = new ByteArrayInputStream(concat(first, first));
    task.readStep(in, null, NEVER);
    IOException e = assertThrows(Wire.RejectedFrame.class, () -> task.readStep(in, null, NEVER));
    assertEquals("STEP frame 4 after frame 4 (replayed or reordered)", e.getMessage());
    // An older END after STEP 4 is refused too (the link is then dropped); a newer one ends the steps.
    Wire task2 = wire(3, 0);
    ByteArrayInputStream in2 = new ByteArrayInputStream(concat(first, sealed(StepFrame.end(2))));
    task2.readStep(in2, null, NEVER);
    e = assertThrows(Wire.RejectedFrame.class, () -> task2.readStep(in2, null, NEVER));
    assertEquals("END frame 2 after frame 4 (replayed or reordered)", e.getMessage());
    Wire task3 = wire(3, 0);
    ByteArrayInputStream in3 = new ByteArrayInputStream(concat(first, sealed(StepFrame.end(5))));
    task3.readStep(in3, null, NEVER);
    assertNull(task3.readStep(in3, null, NEVER));
  }

  @Test
  void aStepFrameNumberChangedOnTheWayFailsAuthentication() throws IOException {
    byte[] bytes = stepBytes(4, new float[] {1, 2, 3});
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(4, 9);
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> wire(3, 0).readStep(new ByteArrayInputStream(bytes), null, NEVER));
    assertTrue(e.getMessage().contains("STEP 1 failed authentication"), e.getMessage());
    byte[] end = sealed(StepFrame.end(6));
    ByteBuffer.wrap(end).order(ByteOrder.LITTLE_ENDIAN).putLong(4, 7);
    e = assertThrows(Wire.RejectedFrame.class, () -> wire(3, 0).readStep(new ByteArrayInputStream(end), null, NEVER));
    assertTrue(e.getMessage().contains("END failed authentication"), e.getMessage());
  }

  @Test
  void linksStartedBeforeSealingWriteTheWholeFrame() throws Exception {
    float[] params = new float[3 * FrameCipher.SEGMENT_BYTES / 4 + 5]; // four segments
    for (int i = 0; i < params.length; i++) params[i] = i;
    StepFrame frame = StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), params, 0, null);
    ByteArrayOutputStream[] outs = new ByteArrayOutputStream[3];
    Thread[] writers = new Thread[outs.length];
    IOException[] failed = new IOException[outs.length];
    for (int k = 0; k < outs.length; k++) {
      ByteArrayOutputStream out = outs[k] = new ByteArrayOutputStream();
      int index = k;
      writers[k] = new Thread(() -> {
        try {
          frame.writeTo(out);
        } catch (IOException e) {
          failed[index] = e;
        }
      });
      writers[k].start();
    }
    Thread.sleep(50);
    for (ByteArrayOutputStream out : outs) assertEquals(0, out.size(), "nothing written before sealing");
    frame.seal(LinkAuth.steps(SECRET, 77));
    for (Thread t : writers) t.join(2_000);
    for (int k = 0; k < outs.length; k++) {
      assertNull(failed[k]);
      assertArrayEquals(outs[0].toByteArray(), outs[k].toByteArray());
      assertArrayEquals(params,
          new Wire(auth(k), params.length, 0).readStep(new ByteArrayInputStream(outs[k].toByteArray()), null, NEVER)
              .params());
    }
    assertEquals(Wire.STEP_HEADER + 4L * params.length + 4 * FrameCipher.TAG_BYTES, frame.length());
  }

  @Test
  void aStepFrameReachesAnUnflushedStreamWholeAndAWaitingWriterCanBeInterrupted() throws Exception {
    StepFrame frame = StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), new float[10], 0, null);
    IOException[] failed = new IOException[1];
    boolean[] flagged = new boolean[1];
    Thread writer = new Thread(() -> {
      try {
        frame.writeTo(new ByteArrayOutputStream());
      } catch (IOException e) {
        failed[0] = e;
        flagged[0] = Thread.currentThread().isInterrupted();
      }
    });
    writer.start();
    writer.interrupt();
    writer.join(2_000);
    assertTrue(failed[0] instanceof java.io.InterruptedIOException, String.valueOf(failed[0]));
    assertTrue(flagged[0], "the interrupt is kept for the caller");
    frame.seal(LinkAuth.steps(SECRET, 77));
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (var buffered = new java.io.BufferedOutputStream(sink, 1 << 16)) {
      frame.writeTo(buffered);
      assertEquals(frame.length(), sink.size(), "flushed after the last segment");
    }
  }

  @Test
  void aFailedSealEndsTheWritersWithAnError() throws Exception {
    StepFrame frame = StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), new float[10], 0, null);
    IOException[] failed = new IOException[1];
    Thread writer = new Thread(() -> {
      try {
        frame.writeTo(new ByteArrayOutputStream());
      } catch (IOException e) {
        failed[0] = e;
      }
    });
    writer.start();
    assertThrows(NullPointerException.class, () -> frame.seal(null));
    writer.join(2_000);
    assertFalse(writer.isAlive());
    assertEquals("sealing the step frame failed", failed[0].getMessage());
  }

  @Test
  void stepFrameBuffersAreReusedForTheSameParameterCount() throws IOException {
    float[] a = {1, 2, 3};
    StepFrame first = StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), a, 0, null);
    byte[] firstBytes = sealed(first);
    StepFrame second = StepFrame.step(new StepCoordinates(7, 0, 2, 2, 5), new float[] {4, 5, 6}, 1, first);
    byte[] secondBytes = sealed(second);
    Wire task = wire(3, 0);
    ByteArrayInputStream in = new ByteArrayInputStream(concat(firstBytes, secondBytes));
    float[] reuse = new float[3];
    assertSame(reuse, task.readStep(in, reuse, NEVER).params());
    ChannelStep s2 = task.readStep(in, reuse, NEVER);
    assertEquals(2, s2.at().step());
    assertArrayEquals(new float[] {4, 5, 6}, s2.params());
    assertTrue(second.sharesBuffersWith(first));
    // Another parameter count: new buffers.
    StepFrame other = StepFrame.step(new StepCoordinates(7, 0, 3, 3, 5), new float[5], 2, second);
    assertFalse(other.sharesBuffersWith(second));
    assertFalse(StepFrame.step(new StepCoordinates(7, 0, 3, 3, 5), a, 3, null).sharesBuffersWith(first));
    assertEquals(Wire.STEP_HEADER + 20 + FrameCipher.TAG_BYTES, other.length());
  }

  @Test
  void largeFramesTravelInSegmentsEachWithItsTag() throws IOException {
    int n = 2 * FrameCipher.SEGMENT_BYTES / 4 + 3; // two full segments and 12 bytes
    float[] params = new float[n];
    for (int i = 0; i < n; i++) params[i] = i * 0.5f - 7;
    byte[] bytes = stepBytes(0, params);
    assertEquals(Wire.STEP_HEADER + 4L * n + 3 * FrameCipher.TAG_BYTES, bytes.length);
    assertEquals(bytes.length - Wire.STEP_HEADER, Wire.sealedBodyBytes(4L * n));
    ChannelStep back = wire(n, 0).readStep(new ByteArrayInputStream(bytes), null, NEVER);
    assertArrayEquals(params, back.params());
  }

  @Test
  void segmentsSwappedOrDamagedAfterTheFirstAreRejected() throws IOException {
    int seg = FrameCipher.SEGMENT_BYTES + FrameCipher.TAG_BYTES;
    float[] params = new float[2 * FrameCipher.SEGMENT_BYTES / 4]; // exactly two segments
    for (int i = 0; i < params.length; i++) params[i] = i;
    byte[] bytes = stepBytes(0, params);
    byte[] swapped = bytes.clone();
    System.arraycopy(bytes, Wire.STEP_HEADER, swapped, Wire.STEP_HEADER + seg, seg);
    System.arraycopy(bytes, Wire.STEP_HEADER + seg, swapped, Wire.STEP_HEADER, seg);
    byte[] damaged = bytes.clone();
    damaged[damaged.length - FrameCipher.TAG_BYTES - 1] ^= 0x10; // the last float of the second segment
    for (byte[] b : new byte[][] {swapped, damaged}) {
      IOException e = assertThrows(Wire.RejectedFrame.class,
          () -> wire(params.length, 0).readStep(new ByteArrayInputStream(b), null, NEVER));
      assertTrue(e.getMessage().contains("STEP 1 failed authentication"), e.getMessage());
    }
    // The second segment cut off: the reader waits for it and reports the shortfall.
    byte[] cut = Arrays.copyOf(bytes, bytes.length - seg);
    assertThrows(EOFException.class, () -> wire(params.length, 0).readStep(new ByteArrayInputStream(cut), null, NEVER));
  }

  @Test
  void truncatedFrameIsAnEofNamingTheShortfall() throws IOException {
    byte[] bytes = stepBytes(0, new float[10]);
    ByteArrayInputStream in = new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 3));
    EOFException e = assertThrows(EOFException.class, () -> wire(10, 0).readStep(in, null, NEVER));
    assertTrue(e.getMessage().contains("53 of 56 bytes"), e.getMessage());
  }

  @Test
  void largeResultsTravelInSegmentsAndReachAnUnflushedStreamWhole() throws IOException {
    GradientSum r = new GradientSum();
    r.grad = new float[FrameCipher.SEGMENT_BYTES / 2 + 7]; // two segments and a bit, with the statistics
    for (int i = 0; i < r.grad.length; i++) r.grad[i] = i * 0.25f - 3;
    r.normStats = new double[] {1, 2, 3};
    r.count = 4;
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Wire task = wire(r.grad.length, 3);
    try (var buffered = new java.io.BufferedOutputStream(sink, 1 << 20)) {
      task.writeResult(buffered, r, 5);
      task.writeResult(buffered, r, 6);
      // Both frames reached the socket without close(): each write ends with a flush.
      long frame = Wire.RESULT_HEADER + Wire.sealedBodyBytes(4L * r.grad.length + 24);
      assertEquals(2 * frame, sink.size());
    }
    assertEquals(3, FrameCipher.segments(4L * r.grad.length + 24));
    ByteArrayInputStream in = new ByteArrayInputStream(sink.toByteArray());
    Wire driver = wire(r.grad.length, 3);
    for (long step = 5; step <= 6; step++) {
      GradientSum back = driver.readResult(in, null, step, NEVER);
      assertArrayEquals(r.grad, back.grad);
      assertArrayEquals(r.normStats, back.normStats);
    }
  }

  @Test
  void aBrokenConnectionWhileWritingIsAnIoException() {
    IOException broken = new IOException("broken pipe");
    java.io.OutputStream failing = new java.io.OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw broken;
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        throw broken;
      }
    };
    IOException e = assertThrows(IOException.class, () -> wire(5, 4).writeResult(failing, result(), 1));
    assertSame(broken, e);
  }

  @Test
  void aNetworkWithoutStatisticsGetsAnEmptyArrayNotNull() throws IOException {
    GradientSum r = new GradientSum();
    r.grad = new float[] {1, 2};
    r.normStats = new double[0];
    r.count = 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire(2, 0).writeResult(out, r, 1);
    GradientSum back = wire(2, 0).readResult(new ByteArrayInputStream(out.toByteArray()), null, 1, NEVER);
    assertEquals(0, back.normStats.length);
    assertArrayEquals(new float[] {1, 2}, back.grad);
  }

  @Test
  void resultShapesAcceptedAreExactlyTheLegitimateOnes() throws Wire.RejectedFrame {
    Wire.checkResultShape(0, 0, -1, -1, 5, 4);
    Wire.checkResultShape(1, 0, 5, 4, 5, 4);
    Wire.checkResultShape(3, 3, 5, 4, 5, 4);
    long[][] refused = {{0, 1, -1, -1}, {1, -1, 5, 4}, {3, 4, 5, 4}, {-1, 0, 5, 4}, {1, 0, 4, 4}, {1, 0, 5, 3},
        {1, 0, 6, 4}, {1, 0, 5, 5}, {0, 0, 5, 4}};
    for (long[] c : refused) {
      assertThrows(Wire.RejectedFrame.class, () -> Wire.checkResultShape(c[0], c[1], (int) c[2], (int) c[3], 5, 4),
          Arrays.toString(c));
    }
  }

  @Test
  void aNetworkTooLargeForOneFrameIsRefusedBeforeAllocating() {
    int huge = 600_000_000; // 2.4 GB of floats
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Wire(auth(0), huge, 0).readResult(new ByteArrayInputStream(header(10, huge, 0)), null, 1, NEVER));
    assertTrue(e.getMessage().startsWith("a frame of 2400000044 bytes"), e.getMessage());
  }

  /** Delivers one byte per read, a zero-byte read and a read timeout first, as a slow socket may. */
  private static final class Trickle extends java.io.InputStream {
    private final byte[] data;
    private int at;
    private int calls;

    Trickle(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      return at < data.length ? data[at++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      calls++;
      if (calls == 1) throw new java.net.SocketTimeoutException("read timed out");
      if (calls == 2) return 0;
      if (at >= data.length) return -1;
      b[off] = data[at++];
      return 1;
    }
  }

  @Test
  void framesArriveWholeThroughTrickleReadsZeroReadsAndTimeouts() throws IOException {
    float[] params = {3, 1, 4, 1, 5};
    int[] checks = {0};
    ChannelStep s = wire(5, 0).readStep(new Trickle(stepBytes(0, params)), null, () -> checks[0]++);
    assertArrayEquals(params, s.params());
    assertEquals(1, checks[0], "a read timeout asks whether to keep waiting");
    IOException stop = new IOException("task killed");
    IOException e = assertThrows(IOException.class, () -> wire(5, 0).readStep(new Trickle(stepBytes(0, params)), null,
        () -> {
          throw stop;
        }));
    assertSame(stop, e);
  }

  @Test
  void unexpectedFrameTypeIsRefused() throws IOException {
    ByteArrayInputStream in = new ByteArrayInputStream(stepBytes(0, new float[10]));
    IOException e = assertThrows(Wire.RejectedFrame.class, () -> wire(10, 0).readResult(in, null, 1, NEVER));
    assertEquals("expected a RESULT frame, got type 1", e.getMessage());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire(5, 4).writeResult(out, result(), 1);
    e = assertThrows(Wire.RejectedFrame.class,
        () -> wire(5, 4).readStep(new ByteArrayInputStream(out.toByteArray()), null, NEVER));
    assertEquals("expected a STEP or END frame, got type 3", e.getMessage());
  }

  @Test
  void forgedResultWithTheRightSizesFailsTheMac() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    wire(5, 4).writeResult(out, result(), 3);
    byte[] bytes = out.toByteArray();
    bytes[Wire.RESULT_HEADER + 2] ^= 0x40; // one gradient bit flipped on the way
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> wire(5, 4).readResult(new ByteArrayInputStream(bytes), null, 3, NEVER));
    assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
  }

  @Test
  void replayedResultFromAnEarlierStepIsRejected() throws IOException {
    Wire task = wire(5, 4);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    task.writeResult(first, result(), 1);
    Wire driver = wire(5, 4);
    driver.readResult(new ByteArrayInputStream(first.toByteArray()), null, 1, NEVER);
    // The same bytes again, as the answer to step 2: frame number and step are both wrong.
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> driver.readResult(new ByteArrayInputStream(first.toByteArray()), null, 2, NEVER));
    assertTrue(e.getMessage().contains("failed authentication"), e.getMessage());
  }

  @Test
  void frameForAnotherPartitionOrFromAnotherConnectionIsRejected() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Wire(auth(1), 5, 4).writeResult(out, result(), 1);
    assertThrows(Wire.RejectedFrame.class,
        () -> new Wire(auth(0), 5, 4).readResult(new ByteArrayInputStream(out.toByteArray()), null, 1, NEVER));
    LinkAuth otherConnection = LinkAuth.derive(SECRET, 77, 0, 1, LinkAuth.newNonce(), NONCE);
    assertThrows(Wire.RejectedFrame.class,
        () -> new Wire(otherConnection, 5, 4).readResult(new ByteArrayInputStream(out.toByteArray()), null, 1, NEVER));
    assertTrue(new Wire(auth(1), 5, 4).readResult(new ByteArrayInputStream(out.toByteArray()), null, 1, NEVER)
        .count > 0);
  }

  @Test
  void forgedStepIsRejectedByTheTask() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StepFrame forged = StepFrame.step(new StepCoordinates(7, 0, 1, 1, 5), new float[10], 0, null);
    forged.seal(LinkAuth.steps(LinkAuth.newSecret(), 77));
    forged.writeTo(out);
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> wire(10, 0).readStep(new ByteArrayInputStream(out.toByteArray()), null, NEVER));
    assertTrue(e.getMessage().contains("STEP 1 failed authentication"), e.getMessage());
  }

  @Test
  void proofDependsOnTheSecretAndTheChallenge() {
    assertTrue(auth(0).proofMatches(auth(0).proof()));
    assertFalse(auth(0).proofMatches(LinkAuth.derive(SECRET, 77, 0, 0, LinkAuth.newNonce(), NONCE).proof()));
    assertFalse(auth(0).proofMatches(LinkAuth.derive(LinkAuth.newSecret(), 77, 0, 0, CHALLENGE, NONCE).proof()));
    assertFalse(auth(0).proofMatches(LinkAuth.derive(SECRET, 77, 1, 0, CHALLENGE, NONCE).proof()));
  }

  /** A result header only, announcing {@code g} floats and {@code s} doubles, with nothing after it. */
  private static byte[] header(long count, int g, int s) {
    return ByteBuffer.allocate(Wire.RESULT_HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.RESULT).putLong(count)
        .putLong(0).putDouble(1).putLong(0).putInt(g).putInt(s).array();
  }

  @Test
  void wrongSizesAreRefusedBeforeAnyAllocation() {
    Runtime rt = Runtime.getRuntime();
    for (int[] gs : new int[][] {{1, 4}, {1 << 29, 4}, {Integer.MAX_VALUE, 4}, {5, 1 << 29}, {-7, 4}, {5, -1}, {-1, -1}}) {
      long before = rt.totalMemory() - rt.freeMemory();
      IOException e = assertThrows(Wire.RejectedFrame.class,
          () -> wire(5, 4).readResult(new ByteArrayInputStream(header(10, gs[0], gs[1])), null, 1, NEVER));
      assertTrue(e.getMessage().contains(gs[0] + " gradient floats") && e.getMessage().contains("5 parameters"),
          e.getMessage());
      long after = rt.totalMemory() - rt.freeMemory();
      assertTrue(after - before < (64 << 20), "heap grew by " + (after - before) + " bytes for " + Arrays.toString(gs));
    }
    // No examples but arrays, or a negative count: refused too.
    assertThrows(Wire.RejectedFrame.class,
        () -> wire(5, 4).readResult(new ByteArrayInputStream(header(0, 5, 4)), null, 1, NEVER));
    assertThrows(Wire.RejectedFrame.class,
        () -> wire(5, 4).readResult(new ByteArrayInputStream(header(-1, -1, -1)), null, 1, NEVER));
  }

  @Test
  void stepWithAnotherParameterCountIsRefused() throws IOException {
    byte[] frame = stepBytes(0, new float[1]);
    ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.STEP_HEADER - 4, 1 << 29);
    IOException e = assertThrows(Wire.RejectedFrame.class,
        () -> wire(10, 0).readStep(new ByteArrayInputStream(frame), null, NEVER));
    assertTrue(e.getMessage().contains("536870912 parameters; the network has 10"), e.getMessage());
  }
}
