package dev.dptrain.worker.steps;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authentication and encryption of one step-channel link (HMAC-SHA256 for keys and the hello,
 * AES-128-GCM for frames; JDK crypto only).
 *
 * <p>The driver draws a random 32-byte secret per barrier job; it reaches the tasks only inside
 * the Spark task closure (so it is as protected as Spark's own RPC) and never travels on the
 * channel. From it, per link:
 * <pre>
 * linkKey  = HMAC(secret,  "dptrain-link"   | jobId | stageAttempt | partition)
 * proof    = HMAC(linkKey, "dptrain-hello"  | driverChallenge | taskNonce)     (task → driver)
 * frameKey = HMAC(linkKey, "dptrain-frames" | driverChallenge | taskNonce)   (first 16 bytes: AES-128)
 * frame    = header | AES-GCM(frameKey, iv = direction | seq, aad = direction | jobId | stageAttempt
 *                             | partition | seq | step | header, body) | 16-byte tag
 * </pre>
 * AES-GCM rather than an HMAC over the body: with the JDK's AES-NI/CLMUL intrinsics it both
 * encrypts and authenticates a 1 MB frame in about 0.3-0.5 ms, where HmacSHA256 only authenticates
 * it in about 1.2 ms (measured on the build machine; see the report of issue 18).
 * The challenge is fresh per connection, so a captured hello or frame is worthless on any other
 * connection; {@code seq} counts the frames of each direction, so a frame replayed (or dropped,
 * or reordered) within a connection fails too; {@code step} binds a result to the step it answers.
 */
public final class LinkAuth {
  public static final int SECRET_BYTES = 32;
  public static final int NONCE_BYTES = 16;
  public static final int MAC_BYTES = 32;
  /** The GCM tag that ends every frame. */
  public static final int TAG_BYTES = 16;
  static final byte TO_TASK = 1;
  static final byte TO_DRIVER = 2;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HMAC = "HmacSHA256";

  private final long jobId;
  private final int stageAttempt;
  private final int partition;
  private final byte[] proof;
  private final SecretKeySpec frameKey;
  private final Cipher cipher;
  private final byte[] header = new byte[33];
  private final byte[] iv = new byte[12];

  private LinkAuth(long jobId, int stageAttempt, int partition, byte[] proof, byte[] frameKey) {
    this.jobId = jobId;
    this.stageAttempt = stageAttempt;
    this.partition = partition;
    this.proof = proof;
    this.frameKey = new SecretKeySpec(frameKey, 0, 16, "AES");
    try {
      this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM unavailable", e);
    }
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

  private void init(int mode, byte direction, long seq, long step, byte[] frame, int headerLen)
      throws GeneralSecurityException {
    ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).put(direction).put((byte) 0).put((byte) 0).put((byte) 0)
        .putLong(seq);
    cipher.init(mode, frameKey, new GCMParameterSpec(128, iv));
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).put(direction).putLong(jobId).putInt(stageAttempt)
        .putInt(partition).putLong(seq).putLong(step);
    cipher.updateAAD(header);
    cipher.updateAAD(frame, 0, headerLen);
  }

  /**
   * Seals a frame: {@code plain[0, headerLen)} is copied to {@code out} in clear (authenticated),
   * {@code plain[headerLen, headerLen+bodyLen)} is encrypted after it, then the tag. Returns the
   * frame's length ({@code headerLen + bodyLen + 16}).
   */
  public int seal(byte direction, long seq, long step, byte[] plain, int headerLen, int bodyLen, byte[] out) {
    try {
      init(Cipher.ENCRYPT_MODE, direction, seq, step, plain, headerLen);
      System.arraycopy(plain, 0, out, 0, headerLen);
      return headerLen + cipher.doFinal(plain, headerLen, bodyLen, out, headerLen);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM failed", e);
    }
  }

  /**
   * Opens a frame sealed by {@link #seal}: decrypts {@code frame[headerLen, headerLen+sealedLen)}
   * (body and tag) into {@code plain[headerLen, …)}. False when the frame is not authentic (forged,
   * replayed, reordered, for another link or corrupted); then nothing in {@code plain} is valid.
   */
  public boolean open(byte direction, long seq, long step, byte[] frame, int headerLen, int sealedLen, byte[] plain) {
    try {
      init(Cipher.DECRYPT_MODE, direction, seq, step, frame, headerLen);
      cipher.doFinal(frame, headerLen, sealedLen, plain, headerLen);
      return true;
    } catch (javax.crypto.AEADBadTagException e) {
      return false;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM failed", e);
    }
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
