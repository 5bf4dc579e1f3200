package dev.dptrain.worker.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A sealed segment opens only under exactly the coordinates it was sealed with. */
class FrameCipherTest {
  private static final byte[] KEY = new byte[16];
  private static final byte[] HEADER = {1, 2, 3, 4, 5, 6, 7, 8};
  private static final byte[] BODY = "twenty bytes of body".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static FrameCipher cipher(byte direction, long job, int attempt, int partition) {
    return new FrameCipher(direction, job, attempt, partition, KEY);
  }

  private static byte[] seal(FrameCipher c, long seq, long step, int segment, byte[] header) {
    byte[] out = new byte[BODY.length + FrameCipher.TAG_BYTES];
    assertEquals(out.length, c.sealSegment(seq, step, segment, header, header.length, BODY, 0, BODY.length, out, 0));
    return out;
  }

  private static boolean opens(FrameCipher c, byte[] sealed, long seq, long step, int segment, byte[] header) {
    byte[] back = new byte[BODY.length];
    boolean ok = c.openSegment(seq, step, segment, header, header.length, sealed, 0, sealed.length, back, 0);
    if (ok) assertArrayEquals(BODY, back);
    return ok;
  }

  @Test
  void opensOnlyWithTheSameCoordinates() {
    FrameCipher c = cipher(LinkAuth.TO_DRIVER, 5, 1, 2);
    byte[] sealed = seal(c, 9, 4, 3, HEADER);
    assertFalse(Arrays.equals(BODY, Arrays.copyOf(sealed, BODY.length)), "the body is encrypted");
    assertTrue(opens(cipher(LinkAuth.TO_DRIVER, 5, 1, 2), sealed, 9, 4, 3, HEADER));
    assertFalse(opens(c, sealed, 10, 4, 3, HEADER), "another frame number");
    assertFalse(opens(c, sealed, 9, 5, 3, HEADER), "another step");
    assertFalse(opens(c, sealed, 9, 4, 2, HEADER), "another segment");
    byte[] otherHeader = HEADER.clone();
    otherHeader[7] ^= 1;
    assertFalse(opens(c, sealed, 9, 4, 3, otherHeader), "another header");
    assertFalse(opens(cipher(LinkAuth.TO_TASK, 5, 1, 2), sealed, 9, 4, 3, HEADER), "the other direction");
    assertFalse(opens(cipher(LinkAuth.TO_DRIVER, 6, 1, 2), sealed, 9, 4, 3, HEADER), "another job");
    assertFalse(opens(cipher(LinkAuth.TO_DRIVER, 5, 0, 2), sealed, 9, 4, 3, HEADER), "another stage attempt");
    assertFalse(opens(cipher(LinkAuth.TO_DRIVER, 5, 1, 3), sealed, 9, 4, 3, HEADER), "another partition");
    assertFalse(opens(new FrameCipher(LinkAuth.TO_DRIVER, 5, 1, 2, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0}), sealed, 9, 4, 3, HEADER), "another key");
    // The segment index reaches the nonce in all three of its bytes.
    for (int segment : new int[] {1 << 8, 1 << 16}) {
      byte[] s = seal(c, 9, 4, segment, HEADER);
      assertFalse(opens(c, s, 9, 4, 0, HEADER), "segment " + segment);
      assertTrue(opens(c, s, 9, 4, segment, HEADER));
    }
    assertThrows(IllegalArgumentException.class, () -> seal(c, 9, 4, 1 << 24, HEADER));
    assertThrows(IllegalArgumentException.class, () -> seal(c, 9, 4, -1, HEADER));
  }

  @Test
  void sealedLengthCountsOneTagPerSegment() {
    int seg = FrameCipher.SEGMENT_BYTES;
    int tag = FrameCipher.TAG_BYTES;
    assertEquals(tag, FrameCipher.sealedLength(0));
    assertEquals(1 + tag, FrameCipher.sealedLength(1));
    assertEquals(seg + tag, FrameCipher.sealedLength(seg));
    assertEquals(seg + 1 + 2L * tag, FrameCipher.sealedLength(seg + 1));
    assertEquals(3L * seg + 3L * tag, FrameCipher.sealedLength(3L * seg));
  }

  @Test
  void stepKeyDependsOnTheSecretAndTheJob() {
    byte[] secret = LinkAuth.newSecret();
    byte[] sealed = seal(LinkAuth.steps(secret, 77), 0, 1, 0, HEADER);
    assertTrue(opens(LinkAuth.steps(secret.clone(), 77), sealed, 0, 1, 0, HEADER));
    assertFalse(opens(LinkAuth.steps(secret, 78), sealed, 0, 1, 0, HEADER));
    assertFalse(opens(LinkAuth.steps(LinkAuth.newSecret(), 77), sealed, 0, 1, 0, HEADER));
  }

  @Test
  void warmUpRunsOnceOnALowPriorityDaemonThread() throws InterruptedException {
    Thread t = FrameCipher.warmUpInBackground();
    assertNotNull(t, "no other test of this JVM starts the warm-up");
    assertTrue(t.isDaemon(), "must not keep a JVM alive");
    assertEquals(Thread.MIN_PRIORITY, t.getPriority());
    assertNotEquals(Thread.State.NEW, t.getState());
    assertNull(FrameCipher.warmUpInBackground(), "once per JVM");
    t.join(60_000);
    assertFalse(t.isAlive());
  }

  @Test
  void noncesAndJobIdsAreRandom() {
    byte[] a = LinkAuth.newNonce();
    assertEquals(LinkAuth.NONCE_BYTES, a.length);
    assertFalse(Arrays.equals(a, LinkAuth.newNonce()));
    assertFalse(Arrays.equals(new byte[LinkAuth.NONCE_BYTES], a));
    assertEquals(LinkAuth.SECRET_BYTES, LinkAuth.newSecret().length);
    assertFalse(Arrays.equals(LinkAuth.newSecret(), LinkAuth.newSecret()));
    assertNotEquals(LinkAuth.newJobId(), LinkAuth.newJobId());
  }

  @Test
  void warmUpSealsAndOpensItsSegments() {
    FrameCipher.warmUp(); // throws if a segment it sealed did not open
  }
}
