package dev.dptrain.bench.spark;

import dev.dptrain.worker.steps.FrameCipher;
import dev.dptrain.worker.steps.LinkAuth;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Cost of the step channel's frame protection for the MLP (270k parameters, a 1 MB frame each way
 * per step): AES-128-GCM in 64 KB segments as the channel seals and opens them, against one GCM
 * call per frame and HmacSHA256 over the same bytes. Each is timed from a fresh start (the first
 * frames show the JIT's warm-up) and then in steady state, in a JVM of its own.
 * Run: {@code java -cp worker/target/classes bench/spark/src/main/java/dev/dptrain/bench/spark/ChannelCryptoBench.java segments|whole|hmac}
 */
public final class ChannelCryptoBench {
  private static final int HEADER = 44;
  private static final int BODY = 270_000 * 4;
  private static final int FRAMES = 1200;

  private ChannelCryptoBench() {}

  public static void main(String[] a) throws Exception {
    String mode = a.length > 0 ? a[0] : "segments";
    byte[] frame = new byte[HEADER + BODY];
    new java.util.Random(1).nextBytes(frame);
    byte[] sealed = new byte[(int) (HEADER + FrameCipher.sealedLength(BODY))];
    byte[] back = new byte[HEADER + BODY + 16];
    FrameCipher auth = LinkAuth.steps(new byte[32], 1);
    Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    Mac hmac = Mac.getInstance("HmacSHA256");
    hmac.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
    byte[] iv = new byte[12];
    long first50 = 0;
    long t0 = System.nanoTime();
    long steady = 0;
    for (int f = 0; f < FRAMES; f++) {
      long s = System.nanoTime();
      switch (mode) {
        case "segments" -> {
          int at = 0;
          for (int seg = 0, done = 0; done < BODY || seg == 0; seg++) {
            int len = Math.min(FrameCipher.SEGMENT_BYTES, BODY - done);
            int n = auth.sealSegment(f, f, seg, frame, HEADER, frame, HEADER + done, len, sealed, at);
            if (!auth.openSegment(f, f, seg, frame, HEADER, sealed, at, n, back, HEADER + done)) {
              throw new AssertionError("segment " + seg);
            }
            at += n;
            done += len;
          }
        }
        case "whole" -> {
          java.nio.ByteBuffer.wrap(iv).putLong(4, f);
          gcm.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
          int n = gcm.doFinal(frame, HEADER, BODY, sealed, 0);
          gcm.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
          gcm.doFinal(sealed, 0, n, back, 0);
        }
        case "hmac" -> {
          hmac.update(frame, 0, HEADER + BODY);
          hmac.doFinal();
          hmac.update(frame, 0, HEADER + BODY);
          hmac.doFinal();
        }
        default -> throw new IllegalArgumentException("segments|whole|hmac, got " + mode);
      }
      long e = System.nanoTime() - s;
      if (f < 50) first50 += e;
      if (f >= FRAMES - 400) steady += e;
    }
    System.out.printf("%s, frame of %d bytes (MLP): seal+open %.3f ms per frame over the first 50 frames, "
            + "%.3f ms in steady state (last 400); %.1f s for %d frames; per step (a frame each way) %.2f ms%n",
        mode, HEADER + BODY, first50 / 1e6 / 50, steady / 1e6 / 400, (System.nanoTime() - t0) / 1e9, FRAMES,
        2 * steady / 1e6 / 400);
  }
}
