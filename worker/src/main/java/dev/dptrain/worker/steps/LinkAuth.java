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
 * Keys and the hello of the step channel (HMAC-SHA256; frames are sealed by {@link FrameCipher},
 * AES-128-GCM; JDK crypto only).
 *
 * <p>The driver draws a random 32-byte secret per barrier job; it reaches the tasks only inside
 * the Spark task closure (so it is as protected as Spark's own RPC) and never travels on the
 * channel. From it:
 * <pre>
 * stepKey  = HMAC(secret,  "dptrain-steps"  | jobId)                               (per job: STEP and END frames)
 * linkKey  = HMAC(secret,  "dptrain-link"   | jobId | stageAttempt | partition)    (per task)
 * proof    = HMAC(linkKey, "dptrain-hello"  | driverChallenge | taskNonce)         (task → driver)
 * frameKey = HMAC(linkKey, "dptrain-frames" | driverChallenge | taskNonce)         (per connection: RESULT frames)
 * </pre>
 * The driver sends every task the same parameters, so a STEP frame is sealed once per step under
 * the job's step key and the same bytes go to every link (sealing per link cost a megabyte of
 * AES-GCM per task per step on the driver). Every task of the job can open it, and only a holder
 * of the job's secret can seal one; the frame counter in its clear header (authenticated) must
 * grow on each connection, so a frame replayed within a connection fails, and an old STEP
 * replayed onto a new connection gets an answer bound to the old step, which the driver rejects.
 * A task's RESULT is sealed under its connection's own key: the challenge is fresh per
 * connection, so a captured hello or result is worthless on any other connection.
 * AES-GCM rather than an HMAC over the body: with the JDK's AES-NI/CLMUL intrinsics it both
 * encrypts and authenticates a 1 MB frame in about 0.2 ms per side, where HmacSHA256 only
 * authenticates it in about 0.65 ms, and GMAC (the body as associated data) is no faster
 * (measured on the build machine; see docs/security.md).
 */
public final class LinkAuth {
  public static final int SECRET_BYTES = 32;
  public static final int NONCE_BYTES = 16;
  public static final int MAC_BYTES = 32;
  static final byte TO_TASK = 1;
  static final byte TO_DRIVER = 2;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String HMAC = "HmacSHA256";

  private final byte[] proof;
  private final FrameCipher results;
  private final FrameCipher steps;

  private LinkAuth(byte[] proof, FrameCipher results, FrameCipher steps) {
    this.proof = proof;
    this.results = results;
    this.steps = steps;
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
    return new LinkAuth(proof, new FrameCipher(TO_DRIVER, jobId, stageAttempt, partition, frameKey),
        steps(secret, jobId));
  }

  /** The job's cipher for STEP and END frames: the driver seals with it once per step, every task opens. */
  public static FrameCipher steps(byte[] secret, long jobId) {
    byte[] key = hmac(secret, ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN)
        .put("dptrain-steps".getBytes(StandardCharsets.US_ASCII)).putLong(jobId).array());
    return new FrameCipher(TO_TASK, jobId, -1, -1, key);
  }

  /** What the task sends to prove it knows the link key (and what the driver expects). */
  public byte[] proof() {
    return proof.clone();
  }

  public boolean proofMatches(byte[] received) {
    return MessageDigest.isEqual(proof, received);
  }

  /** This connection's cipher for RESULT frames (task seals, driver opens). */
  FrameCipher results() {
    return results;
  }

  /** The job's cipher for STEP and END frames (the task opens them). */
  FrameCipher steps() {
    return steps;
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
