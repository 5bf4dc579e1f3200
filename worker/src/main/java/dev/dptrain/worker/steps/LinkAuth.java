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
 * frame    = header | segment_0 | segment_1 | ...      (the body cut into SEGMENT_BYTES pieces)
 * segment_i = AES-GCM(frameKey, iv = direction | i | seq, aad = direction | jobId | stageAttempt
 *                     | partition | seq | step | header, piece_i) | 16-byte tag
 * </pre>
 * AES-GCM rather than an HMAC over the body: with the JDK's AES-NI/CLMUL intrinsics it both
 * encrypts and authenticates a 1 MB frame in about 0.3-0.5 ms, where HmacSHA256 only authenticates
 * it in about 1.2 ms (measured on the build machine; see the report of issue 18).
 * The challenge is fresh per connection, so a captured hello or frame is worthless on any other
 * connection; {@code seq} counts the frames of each direction, so a frame replayed (or dropped,
 * or reordered) within a connection fails too, and {@code i} in the nonce pins every segment to
 * its place in its frame (the header, authenticated with each, fixes how many there are);
 * {@code step} binds a result to the step it answers.
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

  /**
   * Body bytes per GCM segment. A frame's body is sealed in segments rather than in one call
   * because the JDK's AES-GCM reaches its AES-NI/CLMUL code only once its per-call methods are
   * compiled by C2, which for one call per megabyte frame took about 350 frames (~15 ms per frame
   * until then, measured with JDK 17); with 64 KB segments it takes about 100 MB. Segments also
   * let the receiver open one while the sender seals the next.
   */
  public static final int SEGMENT_BYTES = 64 << 10;

  /** Sealed size of a body of {@code bodyLen} bytes: the body plus one tag per segment (at least one). */
  public static long sealedLength(long bodyLen) {
    return bodyLen + segments(bodyLen) * TAG_BYTES;
  }

  static long segments(long bodyLen) {
    return Math.max(1, (bodyLen + SEGMENT_BYTES - 1) / SEGMENT_BYTES);
  }

  private void init(int mode, byte direction, long seq, long step, int segment, byte[] frameHeader, int headerLen)
      throws GeneralSecurityException {
    if (segment < 0 || segment >= 1 << 24) throw new IllegalArgumentException("segment " + segment);
    ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN).put(direction).put((byte) segment)
        .put((byte) (segment >>> 8)).put((byte) (segment >>> 16)).putLong(seq);
    cipher.init(mode, frameKey, new GCMParameterSpec(128, iv));
    ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).put(direction).putLong(jobId).putInt(stageAttempt)
        .putInt(partition).putLong(seq).putLong(step);
    cipher.updateAAD(header);
    cipher.updateAAD(frameHeader, 0, headerLen);
  }

  /**
   * Seals segment {@code segment} of frame {@code seq}: encrypts {@code in[off, off+len)} into
   * {@code out} at {@code outOff} followed by its tag, authenticating the frame's clear header
   * {@code frameHeader[0, headerLen)} with it. Returns the bytes written ({@code len + 16}).
   */
  public int sealSegment(byte direction, long seq, long step, int segment, byte[] frameHeader, int headerLen,
                         byte[] in, int off, int len, byte[] out, int outOff) {
    try {
      init(Cipher.ENCRYPT_MODE, direction, seq, step, segment, frameHeader, headerLen);
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
  public boolean openSegment(byte direction, long seq, long step, int segment, byte[] frameHeader, int headerLen,
                             byte[] in, int off, int sealedLen, byte[] out, int outOff) {
    try {
      init(Cipher.DECRYPT_MODE, direction, seq, step, segment, frameHeader, headerLen);
      cipher.doFinal(in, off, sealedLen, out, outOff);
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
