package dev.dptrain.worker.steps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-128-GCM for the frames of one direction under one key (see {@link LinkAuth} for where the
 * keys come from). A frame's body is cut into {@link #SEGMENT_BYTES} pieces, each sealed on its
 * own:
 * <pre>
 * segment_i = AES-GCM(key, iv = direction | i | seq,
 *                     aad = direction | jobId | stageAttempt | partition | seq | step | header, piece_i) | tag
 * </pre>
 * {@code seq} numbers the frames sealed under the key, so no (key, iv) pair is ever used twice
 * and a frame replayed, dropped or reordered fails; {@code i} pins each segment to its place (the
 * header, authenticated with each, fixes how many there are); {@code step} binds a frame to the
 * step it carries or answers. Not thread-safe: one instance per sealing or opening thread.
 */
public final class FrameCipher {
  /** The GCM tag that ends every segment. */
  public static final int TAG_BYTES = 16;

  /**
   * Body bytes per GCM segment. A body is sealed in segments rather than in one call because the
   * JDK's AES-GCM reaches its AES-NI/CLMUL code only once its per-call methods are compiled by
   * C2, which for one call per megabyte frame took about 350 frames (~15 ms per frame until then,
   * measured with JDK 17); see also {@link #warmUpInBackground}. Segments also let the receiver
   * open one while the sender seals the next.
   */
  public static final int SEGMENT_BYTES = 64 << 10;

  private final byte direction;
  private final long jobId;
  private final int stageAttempt;
  private final int partition;
  private final SecretKeySpec key;
  private final Cipher cipher;
  private final byte[] aad = new byte[33];
  private final byte[] iv = new byte[12];

  FrameCipher(byte direction, long jobId, int stageAttempt, int partition, byte[] key) {
    this.direction = direction;
    this.jobId = jobId;
    this.stageAttempt = stageAttempt;
    this.partition = partition;
    this.key = new SecretKeySpec(key, 0, 16, "AES");
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM unavailable", e);
    }
  }

  /** Sealed size of a body of {@code bodyLen} bytes: the body plus one tag per segment (at least one). */
  public static long sealedLength(long bodyLen) {
    return bodyLen + segments(bodyLen) * TAG_BYTES;
  }

  static long segments(long bodyLen) {
    return Math.max(1, (bodyLen + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
  }

  private void init(int mode, long seq, long step, int segment, byte[] header, int headerLen)
      throws GeneralSecurityException {
    if (segment < 0 || segment >= 1 << 24) throw new IllegalArgumentException("segment " + segment);
    ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).put(direction).put((byte) segment)
        .put((byte) (segment >>> 8)).put((byte) (segment >>> 16)).putLong(seq);
    cipher.init(mode, key, new GCMParameterSpec(128, iv));
    ByteBuffer.wrap(aad).order(ByteOrder.LITTLE_ENDIAN).put(direction).putLong(jobId).putInt(stageAttempt)
        .putInt(partition).putLong(seq).putLong(step);
    cipher.updateAAD(aad);
    cipher.updateAAD(header, 0, headerLen);
  }

  /**
   * Seals segment {@code segment} of frame {@code seq}: encrypts {@code in[off, off+len)} into
   * {@code out} at {@code outOff} followed by its tag, authenticating the frame's clear header
   * {@code header[0, headerLen)} with it. Returns the bytes written ({@code len + 16}).
   */
  public int sealSegment(long seq, long step, int segment, byte[] header, int headerLen, byte[] in, int off, int len,
                         byte[] out, int outOff) {
    try {
      init(Cipher.ENCRYPT_MODE, seq, step, segment, header, headerLen);
      return cipher.doFinal(in, off, len, out, outOff);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM failed", e);
    }
  }

  /**
   * Opens a segment sealed by {@link #sealSegment}: decrypts {@code in[off, off+sealedLen)} (body
   * and tag) into {@code out} at {@code outOff}. False when it is not authentic (forged, replayed,
   * reordered, moved to another position, for another link or corrupted); then nothing written
   * to {@code out} is valid.
   */
  public boolean openSegment(long seq, long step, int segment, byte[] header, int headerLen, byte[] in, int off,
                             int sealedLen, byte[] out, int outOff) {
    try {
      init(Cipher.DECRYPT_MODE, seq, step, segment, header, headerLen);
      cipher.doFinal(in, off, sealedLen, out, outOff);
      return true;
    } catch (AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM failed", e);
    }
  }

  /** Told after each segment is sealed: the first {@code end} bytes of the sealed frame are final. */
  interface Progress {
    void sealed(int end);
  }

  /**
   * Seals frame {@code seq} into {@code out}: its clear header {@code plain[0, headerLen)}, then the
   * body {@code plain[headerLen, headerLen+bodyLen)} segment by segment, each followed by its tag,
   * telling {@code progress} after each segment so that it can go on its way while the next one is
   * sealed. {@code out} holds at least {@code headerLen + sealedLength(bodyLen)} bytes.
   */
  void sealFrame(long seq, long step, byte[] plain, int headerLen, int bodyLen, byte[] out, Progress progress) {
    System.arraycopy(plain, 0, out, 0, headerLen);
    int at = headerLen;
    int segment = 0;
    int done = 0;
    do {
      int len = Math.min(SEGMENT_BYTES, bodyLen - done);
      at += sealSegment(seq, step, segment++, plain, headerLen, plain, headerLen + done, len, out, at);
      done += len;
      progress.sealed(at);
    } while (done < bodyLen);
  }

  /** Seal/open calls of the warm-up, and how often one of them is a whole segment. */
  static final int WARM_UP_CALLS = 30_000;
  static final int WARM_UP_FULL_EVERY = 64;
  private static final AtomicBoolean WARMING = new AtomicBoolean();

  /**
   * Starts, once per JVM and on a daemon thread, {@value #WARM_UP_CALLS} seal/open calls, mostly
   * on 16 bytes (every {@value #WARM_UP_FULL_EVERY}th on a whole segment, so that the compiled
   * code has seen both sizes and is not thrown away at the first real frame). The JDK's AES-GCM
   * reaches its AES-NI/CLMUL intrinsics only once the methods that call them are compiled by C2,
   * which takes thousands of calls, not megabytes: left to the real frames (17 calls per megabyte)
   * that took the first several hundred frames at about 20 ms each instead of 0.2 ms (JFR of the
   * MLP bench, local[2]). The warm-up takes about half a second of one core; the links work the
   * same before it ends, only slower. Returns the thread, or null when it was started before.
   */
  public static Thread warmUpInBackground() {
    if (!WARMING.compareAndSet(false, true)) return null;
    Thread t = new Thread(FrameCipher::warmUp, "dptrain-channel-crypto-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
    return t;
  }

  static void warmUp() {
    FrameCipher c = new FrameCipher(LinkAuth.TO_TASK, 0, 0, 0, new byte[16]);
    byte[] header = new byte[Wire.STEP_HEADER];
    byte[] body = new byte[SEGMENT_BYTES];
    byte[] sealed = new byte[SEGMENT_BYTES + TAG_BYTES];
    for (int i = 0; i < WARM_UP_CALLS; i++) {
      int len = i % WARM_UP_FULL_EVERY == 0 ? SEGMENT_BYTES : 16;
      int n = c.sealSegment(i, i, 0, header, header.length, body, 0, len, sealed, 0);
      if (!c.openSegment(i, i, 0, header, header.length, sealed, 0, n, body, 0)) {
        throw new IllegalStateException("AES/GCM warm-up: a sealed segment did not open");
      }
    }
  }
}
