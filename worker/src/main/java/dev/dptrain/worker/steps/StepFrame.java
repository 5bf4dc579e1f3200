package dev.dptrain.worker.steps;

import dev.dptrain.model.train.StepCoordinates;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The driver's STEP (or END) frame of one step, encoded and sealed once under the job's step key
 * ({@link LinkAuth#steps}) and written to every task's link. The links start writing before the
 * sealing is done: {@link #seal} publishes each segment as it is sealed and {@link #writeTo}
 * writes what is ready, so sealing overlaps the transfers as it did when each link sealed its own.
 *
 * <pre>
 * STEP  int type, long seq, long seed, int epoch, long step, long stepInEpoch, long stepsPerEpoch, int n
 *       | sealed(float[n] params)
 * END   int type, long seq | sealed(nothing)
 * </pre>
 */
public final class StepFrame {
  private final byte[] plain;
  private final byte[] sealed;
  private final int headerLen;
  private final long seq;
  private final long step;
  /** Sealed bytes ready to write; -1 when sealing failed. Guarded by {@code this}. */
  private int ready;

  private StepFrame(byte[] plain, byte[] sealed, int headerLen, long seq, long step) {
    this.plain = plain;
    this.sealed = sealed;
    this.headerLen = headerLen;
    this.seq = seq;
    this.step = step;
  }

  /**
   * Encodes the STEP frame number {@code seq} of the job (not sealed yet), reusing the buffers of
   * {@code reuse} when the parameter count is the same; {@code reuse} must no longer be written.
   */
  public static StepFrame step(StepCoordinates at, float[] params, long seq, StepFrame reuse) {
    int body = 4 * params.length;
    int size = Wire.STEP_HEADER + body;
    boolean fits = reuse != null && reuse.plain.length == size;
    byte[] plain = fits ? reuse.plain : new byte[size];
    byte[] sealed = fits ? reuse.sealed : new byte[(int) (Wire.STEP_HEADER + FrameCipher.sealedLength(body))];
    ByteBuffer b = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(Wire.STEP).putLong(seq).putLong(at.seed()).putInt(at.epoch()).putLong(at.step())
        .putLong(at.stepInEpoch()).putLong(at.stepsPerEpoch()).putInt(params.length);
    b.asFloatBuffer().put(params);
    return new StepFrame(plain, sealed, Wire.STEP_HEADER, seq, at.step());
  }

  /** The END frame number {@code seq} of the job (not sealed yet). */
  public static StepFrame end(long seq) {
    byte[] plain = ByteBuffer.allocate(Wire.END_HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(Wire.END).putLong(seq)
        .array();
    return new StepFrame(plain, new byte[(int) (Wire.END_HEADER + FrameCipher.sealedLength(0))], Wire.END_HEADER,
        seq, -1);
  }

  /** Whether this frame reuses {@code other}'s buffers (no megabyte of garbage per step). */
  boolean sharesBuffersWith(StepFrame other) {
    return plain == other.plain && sealed == other.sealed;
  }

  /** Total bytes on the wire. */
  public int length() {
    return sealed.length;
  }

  /** Seals the frame segment by segment, making each available to {@link #writeTo} as soon as it is sealed. */
  public void seal(FrameCipher steps) {
    try {
      steps.sealFrame(seq, step, plain, headerLen, plain.length - headerLen, sealed, this::publish);
    } catch (RuntimeException e) {
      publish(-1);
      throw e;
    }
  }

  private synchronized void publish(int bytes) {
    ready = bytes;
    notifyAll();
  }

  private synchronized int awaitBeyond(int written) throws IOException {
    try {
      while (ready >= 0 && ready <= written) wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the step frame was sealed");
    }
    if (ready < 0) throw new IOException("sealing the step frame failed");
    return ready;
  }

  /** Writes the frame to one link as its segments become ready. */
  public void writeTo(OutputStream out) throws IOException {
    int written = 0;
    while (written < sealed.length) {
      int upTo = awaitBeyond(written);
      out.write(sealed, written, upTo - written);
      written = upTo;
    }
    out.flush();
  }
}
