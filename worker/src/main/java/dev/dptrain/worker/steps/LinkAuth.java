package dev.dptrain.worker.steps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authentication of one step-channel link (HMAC-SHA256, JDK crypto only).
 *
 * <p>The driver draws a random 32-byte secret per barrier job; it reaches the tasks only inside
 * the Spark task closure (so it is as protected as Spark's own RPC) and never travels on the
 * channel. From it, per link:
 * <pre>
 * linkKey  = HMAC(secret,  "dptrain-link"   | jobId | stageAttempt | partition)
 * proof    = HMAC(linkKey, "dptrain-hello"  | driverChallenge | taskNonce)     (task → driver)
 * frameKey = HMAC(linkKey, "dptrain-frames" | driverChallenge | taskNonce)
 * frameMac = HMAC(frameKey, direction | jobId | stageAttempt | partition | seq | step | frame)
 * </pre>
 * The challenge is fresh per connection, so a captured hello or frame is worthless on any other
 * connection; {@code seq} counts the frames of each direction, so a frame replayed (or dropped,
 * or reordered) within a connection fails too; {@code step} binds a result to the step it answers.
 */
public final class LinkAuth {
  public static final int SECRET_BYTES = 32;
  public static final int NONCE_BYTES = 16;
  public static final int MAC_BYTES = 32;
  static final byte TO_TASK = 1;
  static final byte TO_DRIVER = 2;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HMAC = "HmacSHA256";

  private final long jobId;
  private final int stageAttempt;
  private final int partition;
  private final byte[] proof;
  private final Mac mac;
  private final byte[] header = new byte[33];
  private final byte[] computed = new byte[MAC_BYTES];

  private LinkAuth(long jobId, int stageAttempt, int partition, byte[] proof, byte[] frameKey) {
    this.jobId = jobId;
    this.stageAttempt = stageAttempt;
    this.partition = partition;
    this.proof = proof;
    this.mac = mac(frameKey);
  }

  public static byte[] newSecret() {
    byte[] b = new byte[SECRET_BYTES];
    RANDOM.nextBytes(b);
    return b;
  }

  public static byte[] newNonce() {
    byte[] b = new byte[NONCE_BYTES];
    RANDOM.nextBytes(b);
    return b;
  }

  public static long newJobId() {
    return RANDOM.nextLong();
  }

  /** The keys of one connection, as both ends derive them. */
  public static LinkAuth derive(byte[] secret, long jobId, int stageAttempt, int partition, byte[] challenge,
                                byte[] taskNonce) {
    byte[] linkKey = hmac(secret, ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN)
        .put("dptrain-link".getBytes(StandardCharsets.US_ASCII)).putLong(jobId).putInt(stageAttempt)
        .putInt(partition).array());
    byte[] proof = hmac(linkKey, concat("dptrain-hello", challenge, taskNonce));
    byte[] frameKey = hmac(linkKey, concat("dptrain-frames", challenge, taskNonce));
    return new LinkAuth(jobId, stageAttempt, partition, proof, frameKey);
  }

  /** What the task sends to prove it knows the link key (and what the driver expects). */
  public byte[] proof() {
    return proof.clone();
  }

  public boolean proofMatches(byte[] received) {
    return MessageDigest.isEqual(proof, received);
  }

  /** Writes the MAC of {@code frame[off, off+len)} into {@code out[outOff, outOff+32)}. */
  public void sign(byte direction, long seq, long step, byte[] frame, int off, int len, byte[] out, int outOff) {
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).put(direction).putLong(jobId).putInt(stageAttempt)
        .putInt(partition).putLong(seq).putLong(step);
    mac.update(header);
    mac.update(frame, off, len);
    try {
      mac.doFinal(out, outOff);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Does {@code buf[macOff, macOff+32)} authenticate {@code buf[off, off+len)}? Constant-time. */
  public boolean verify(byte direction, long seq, long step, byte[] buf, int off, int len, int macOff) {
    sign(direction, seq, step, buf, off, len, computed, 0);
    int diff = 0;
    for (int i = 0; i < MAC_BYTES; i++) diff |= computed[i] ^ buf[macOff + i];
    return diff == 0;
  }

  private static byte[] concat(String label, byte[] a, byte[] b) {
    byte[] l = label.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(l.length + a.length + b.length).put(l).put(a).put(b).array();
  }

  private static Mac mac(byte[] key) {
    try {
      Mac m = Mac.getInstance(HMAC);
      m.init(new SecretKeySpec(key, HMAC));
      return m;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    return mac(key).doFinal(data);
  }
}
