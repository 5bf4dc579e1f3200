package dev.dptrain.worker.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.train.StepCoordinates;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Frames of the step channel, little-endian. Floats are copied in bulk through a
 * {@link ByteBuffer} view (a memcpy, not a loop of writeFloat calls): a 270,000-parameter step is
 * one 1 MB write each way.
 *
 * <pre>
 * HELLO   task → driver  int magic, long token, int partition, int stageAttempt
 * STEP    driver → task  int type, long seed, int epoch, long step, long stepInEpoch, long stepsPerEpoch,
 *                        int n, float[n] params            (the {@link StepCoordinates} and the parameters)
 * END     driver → task  int type
 * RESULT  task → driver  int type, long count, long correct, double lossSum, long computeNanos,
 *                        int g (−1 = none), float[g] grad, int s (−1 = none), double[s] normStats
 * </pre>
 */
public final class Wire {
  public static final int MAGIC = 0x64707432; // "dpt2"
  static final int STEP = 1;
  static final int END = 2;
  static final int RESULT = 3;
  public static final int HELLO_BYTES = 20;
  static final int STEP_HEADER = 44;
  private static final int RESULT_HEADER = 36;

  /** Called while a read waits, so that a dead peer or a killed task ends the wait. */
  public interface StillWaiting {
    void check() throws IOException;
  }

  private byte[] buf = new byte[64];

  private ByteBuffer buffer(int size) {
    if (buf.length < size) buf = new byte[Math.max(size, buf.length * 3 / 2)];
    return ByteBuffer.wrap(buf, 0, size).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static byte[] hello(long token, int partition, int stageAttempt) {
    return ByteBuffer.allocate(HELLO_BYTES).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(MAGIC).putLong(token).putInt(partition).putInt(stageAttempt).array();
  }

  /**
   * Encodes a STEP frame once (the driver writes the same bytes to every task) into {@code reuse}
   * when it has the right size, else into a new array.
   */
  public static byte[] step(StepCoordinates at, float[] params, byte[] reuse) {
    int size = STEP_HEADER + 4 * params.length;
    byte[] frame = reuse != null && reuse.length == size ? reuse : new byte[size];
    ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(STEP).putLong(at.seed()).putInt(at.epoch()).putLong(at.step()).putLong(at.stepInEpoch())
        .putLong(at.stepsPerEpoch()).putInt(params.length);
    b.asFloatBuffer().put(params);
    return frame;
  }

  public static byte[] end() {
    return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(END).array();
  }

  void writeResult(OutputStream out, GradientSum r) throws IOException {
    int g = r.grad == null ? -1 : r.grad.length;
    int s = r.normStats == null ? -1 : r.normStats.length;
    ByteBuffer b = buffer(RESULT_HEADER + 8 + 4 * Math.max(g, 0) + 8 * Math.max(s, 0));
    b.putInt(RESULT).putLong(r.count).putLong(r.correct).putDouble(r.lossSum).putLong(r.computeNanos);
    b.putInt(g);
    if (g > 0) {
      b.asFloatBuffer().put(r.grad);
      b.position(b.position() + 4 * g);
    }
    b.putInt(s);
    if (s > 0) b.asDoubleBuffer().put(r.normStats);
    out.write(buf, 0, b.limit());
    out.flush();
  }

  /** Reads a RESULT; its gradient goes into {@code gradReuse} when that has the right size. */
  public GradientSum readResult(InputStream in, float[] gradReuse, StillWaiting waiting) throws IOException {
    ByteBuffer h = read(in, RESULT_HEADER + 4, waiting);
    int type = h.getInt();
    if (type != RESULT) throw new IOException("expected a RESULT frame, got type " + type);
    GradientSum r = new GradientSum();
    r.count = h.getLong();
    r.correct = h.getLong();
    r.lossSum = h.getDouble();
    r.computeNanos = h.getLong();
    int g = h.getInt();
    if (g >= 0) {
      r.grad = gradReuse != null && gradReuse.length == g ? gradReuse : new float[g];
      read(in, 4 * g, waiting).asFloatBuffer().get(r.grad);
    }
    int s = read(in, 4, waiting).getInt();
    if (s >= 0) {
      r.normStats = new double[s];
      read(in, 8 * s, waiting).asDoubleBuffer().get(r.normStats);
    }
    return r;
  }

  /** Reads the next frame; null means END. Reuses {@code params} when it has the right size. */
  ChannelStep readStep(InputStream in, float[] params, StillWaiting waiting) throws IOException {
    int type = read(in, 4, waiting).getInt();
    if (type == END) return null;
    if (type != STEP) throw new IOException("expected a STEP or END frame, got type " + type);
    ByteBuffer h = read(in, STEP_HEADER - 4, waiting);
    StepCoordinates at = new StepCoordinates(h.getLong(), h.getInt(), h.getLong(), h.getLong(), h.getLong());
    int n = h.getInt();
    float[] p = params != null && params.length == n ? params : new float[n];
    read(in, 4 * n, waiting).asFloatBuffer().get(p);
    return new ChannelStep(at, p);
  }

  /** Reads exactly {@code n} bytes; read timeouts only call {@code waiting}, they do not lose data. */
  ByteBuffer read(InputStream in, int n, StillWaiting waiting) throws IOException {
    ByteBuffer b = buffer(n);
    int off = 0;
    while (off < n) {
      int k;
      try {
        k = in.read(buf, off, n - off);
      } catch (SocketTimeoutException e) {
        waiting.check();
        continue;
      }
      if (k < 0) throw new EOFException("channel closed by the peer after " + off + " of " + n + " bytes");
      off += k;
    }
    return b;
  }
}
