package dev.dptrain.worker.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.train.StepCoordinates;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Frames of the step channel, little-endian. Floats are copied in bulk through a
 * {@link ByteBuffer} view (a memcpy, not a loop of writeFloat calls): a 270,000-parameter step is
 * one 1 MB write each way.
 *
 * <pre>
 * HELLO     task → driver  int magic, long jobId, int partition, int stageAttempt, byte[16] taskNonce
 * CHALLENGE driver → task  byte[16] challenge
 * PROOF     task → driver  byte[32] HMAC(linkKey, challenge, taskNonce)             (see {@link LinkAuth})
 * STEP, END driver → task  see {@link StepFrame}: sealed once per step under the job's step key
 * RESULT    task → driver  int type, long count, long correct, double lossSum, long computeNanos,
 *                          int g (−1 = none), int s (−1 = none) | sealed(float[g] grad, double[s] normStats)
 * </pre>
 * Headers (before the bar) travel in clear but are authenticated; bodies are AES-GCM encrypted in
 * 64 KB segments, each followed by its 16-byte tag (see {@link FrameCipher}): each segment is written
 * as soon as it is sealed and opened as soon as it has arrived, so sealing, the transfer and
 * opening overlap. One instance per link end: it holds the link's keys and frame counters.
 * Every frame is read whole (its declared sizes checked against the network's before anything is
 * allocated) and authenticated before any field is used.
 */
public final class Wire {
  public static final int MAGIC = 0x64707433; // "dpt3"
  static final int STEP = 1;
  static final int END = 2;
  static final int RESULT = 3;
  public static final int HELLO_BYTES = 36;
  static final int STEP_HEADER = 52;
  static final int END_HEADER = 12;
  static final int RESULT_HEADER = 44;
  private static final int MAC = FrameCipher.TAG_BYTES;

  /** Called while a read waits, so that a dead peer or a killed task ends the wait. */
  public interface StillWaiting {
    void check() throws IOException;
  }

  /** A frame whose sizes or MAC are wrong: the link can no longer be trusted. */
  public static final class RejectedFrame extends IOException {
    private static final long serialVersionUID = 1L;

    public RejectedFrame(String message) {
      super(message);
    }
  }

  private final LinkAuth auth;
  private final int params;
  private final int stats;
  /** RESULT frames written (task) or read (driver) on this connection. */
  private long results;
  /** The job's number of the last STEP or END frame read (task); they must increase. */
  private long lastStep = -1;
  /** One sealed segment as it arrives. */
  private final byte[] buf = new byte[FrameCipher.SEGMENT_BYTES + MAC];
  /** The task's RESULT frame as it is sealed and written. */
  private byte[] sealed = new byte[0];
  /** Frames in clear: header, then body. Never shorter than the longest header, which is read first. */
  private byte[] plain = new byte[Math.max(STEP_HEADER, RESULT_HEADER)];

  /**
   * @param params the network's parameter count: the only gradient / parameter length accepted
   * @param stats  the network's batch-statistics length: the only normStats length accepted
   */
  public Wire(LinkAuth auth, int params, int stats) {
    this.auth = auth;
    this.params = params;
    this.stats = stats;
  }

  /** The largest frame a Java array can hold. */
  static final long MAX_FRAME = Integer.MAX_VALUE - 8;

  /**
   * Grows the clear frame to {@code size}, keeping the header read so far. Exactly to size: a
   * link's frames have the same size every step.
   */
  private void ensure(long size) {
    if (size > MAX_FRAME) {
      throw new IllegalArgumentException("a frame of " + size + " bytes; at most " + MAX_FRAME + " fit in one array");
    }
    if (plain.length < size) plain = Arrays.copyOf(plain, (int) size);
  }

  /** Bytes of a RESULT frame in clear with {@code g} gradient floats and {@code s} statistics (−1 = none). */
  static long resultSize(int g, int s) {
    return RESULT_HEADER + 4L * Math.max(g, 0) + 8L * Math.max(s, 0);
  }

  /** Bytes a frame body of {@code bodyLen} bytes takes on the wire. */
  public static long sealedBodyBytes(long bodyLen) {
    return FrameCipher.sealedLength(bodyLen);
  }

  /**
   * Writes the RESULT frame in {@code plain[0, headerLen+bodyLen)}: the header in clear, then the
   * body sealed segment by segment, each segment written as soon as it is sealed.
   */
  private void writeSealed(OutputStream out, long seq, long step, int headerLen, int bodyLen)
      throws IOException {
    long size = headerLen + FrameCipher.sealedLength(bodyLen);
    if (sealed.length < size) sealed = new byte[(int) size];
    int[] written = {0};
    try {
      auth.results().sealFrame(seq, step, plain, headerLen, bodyLen, sealed, end -> {
        try {
          out.write(sealed, written[0], end - written[0]);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        written[0] = end;
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.flush();
  }

  /**
   * Reads and opens the body of a frame whose header is in {@code plain[0, headerLen)}, into
   * {@code plain[headerLen, headerLen+bodyLen)} (the caller made it that long), segment by segment.
   */
  private void readSealed(InputStream in, FrameCipher cipher, long seq, long step, int headerLen, int bodyLen,
                          String what, StillWaiting waiting) throws IOException {
    int segment = 0;
    int done = 0;
    do {
      int len = Math.min(FrameCipher.SEGMENT_BYTES, bodyLen - done);
      readFully(in, buf, 0, len + MAC, waiting);
      if (!cipher.openSegment(seq, step, segment++, plain, headerLen, buf, 0, len + MAC, plain, headerLen + done)) {
        throw new RejectedFrame(what + " failed authentication (forged, replayed or corrupted)");
      }
      done += len;
    } while (done < bodyLen);
  }

  public static byte[] hello(long jobId, int partition, int stageAttempt, byte[] taskNonce) {
    return ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(MAGIC).putLong(jobId).putInt(partition).putInt(stageAttempt).put(taskNonce).array();
  }

  /** Task: writes its RESULT for {@code step}. */
  void writeResult(OutputStream out, GradientSum r, long step) throws IOException {
    int g = r.grad == null ? -1 : r.grad.length;
    int s = r.normStats == null ? -1 : r.normStats.length;
    ensure(resultSize(g, s));
    int size = (int) resultSize(g, s);
    ByteBuffer b = ByteBuffer.wrap(plain, 0, size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(RESULT).putLong(r.count).putLong(r.correct).putDouble(r.lossSum).putLong(r.computeNanos);
    b.putInt(g).putInt(s);
    if (r.grad != null) {
      b.asFloatBuffer().put(r.grad);
      b.position(b.position() + 4 * g);
    }
    if (r.normStats != null) b.asDoubleBuffer().put(r.normStats);
    writeSealed(out, results++, step, RESULT_HEADER, size - RESULT_HEADER);
  }

  /**
   * Driver: reads the RESULT for {@code step}; its gradient goes into {@code gradReuse} when that
   * has the right size. Wrong sizes or a wrong MAC throw {@link RejectedFrame} before any
   * allocation beyond the network's own sizes.
   */
  public GradientSum readResult(InputStream in, float[] gradReuse, long step, StillWaiting waiting) throws IOException {
    readFully(in, plain, 0, RESULT_HEADER, waiting);
    ByteBuffer h = ByteBuffer.wrap(plain, 0, RESULT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    int type = h.getInt();
    if (type != RESULT) throw new RejectedFrame("expected a RESULT frame, got type " + type);
    long count = h.getLong();
    long correct = h.getLong();
    double lossSum = h.getDouble();
    long nanos = h.getLong();
    int g = h.getInt();
    int s = h.getInt();
    checkResultShape(count, correct, g, s, params, stats);
    ensure(resultSize(g, s));
    int size = (int) resultSize(g, s);
    readSealed(in, auth.results(), results++, step, RESULT_HEADER, size - RESULT_HEADER, "RESULT for step " + step,
        waiting);
    GradientSum r = new GradientSum();
    r.count = count;
    r.correct = correct;
    r.lossSum = lossSum;
    r.computeNanos = nanos;
    ByteBuffer b = ByteBuffer.wrap(plain, RESULT_HEADER, size - RESULT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    if (g != -1) {
      r.grad = gradReuse != null && gradReuse.length == g ? gradReuse : new float[g];
      b.asFloatBuffer().get(r.grad);
      b.position(b.position() + 4 * g);
    }
    if (s != -1) {
      r.normStats = new double[s];
      b.asDoubleBuffer().get(r.normStats);
    }
    return r;
  }

  /**
   * The only result shapes a task can legitimately send: no examples and no arrays, or examples
   * with exactly the network's gradient and statistics lengths.
   */
  static void checkResultShape(long count, long correct, int g, int s, int params, int stats) throws RejectedFrame {
    boolean ok = count >= 0 && correct >= 0 && correct <= count
        && (count == 0 ? g == -1 && s == -1 : g == params && s == stats);
    if (!ok) {
      throw new RejectedFrame("RESULT with count " + count + ", correct " + correct + ", " + g + " gradient floats, " + s
          + " statistics; the network has " + params + " parameters and " + stats + " statistics");
    }
  }

  /** Task: reads the next frame; null means END. Reuses {@code reuse} when it has the right size. */
  ChannelStep readStep(InputStream in, float[] reuse, StillWaiting waiting) throws IOException {
    readFully(in, plain, 0, END_HEADER, waiting);
    ByteBuffer h = ByteBuffer.wrap(plain, 0, STEP_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    int type = h.getInt();
    long seq = h.getLong();
    if (type != STEP && type != END) throw new RejectedFrame("expected a STEP or END frame, got type " + type);
    // The number is authenticated with the frame; checking it first refuses a replay unread.
    if (seq <= lastStep) {
      throw new RejectedFrame((type == END ? "END" : "STEP") + " frame " + seq + " after frame " + lastStep
          + " (replayed or reordered)");
    }
    if (type == END) {
      readSealed(in, auth.steps(), seq, -1, END_HEADER, 0, "END", waiting);
      lastStep = seq;
      return null;
    }
    readFully(in, plain, END_HEADER, STEP_HEADER - END_HEADER, waiting);
    StepCoordinates at = new StepCoordinates(h.getLong(), h.getInt(), h.getLong(), h.getLong(), h.getLong());
    int n = h.getInt();
    if (n != params) throw new RejectedFrame("STEP with " + n + " parameters; the network has " + params);
    ensure(STEP_HEADER + 4L * n);
    readSealed(in, auth.steps(), seq, at.step(), STEP_HEADER, 4 * n, "STEP " + at.step(), waiting);
    lastStep = seq;
    float[] p = reuse != null && reuse.length == n ? reuse : new float[n];
    ByteBuffer.wrap(plain, STEP_HEADER, 4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(p);
    return new ChannelStep(at, p);
  }

  static void readFully(InputStream in, byte[] into, int off, int n, StillWaiting waiting) throws IOException {
    int done = 0;
    while (done < n) {
      int k;
      try {
        k = in.read(into, off + done, n - done);
      } catch (SocketTimeoutException e) {
        waiting.check();
        continue;
      }
      if (k < 0) throw new EOFException("channel closed by the peer after " + done + " of " + n + " bytes");
      done += k;
    }
  }
}
