package dev.dptrain.bench.spark;

import dev.dptrain.worker.steps.LinkAuth;
/**
 * Cost of the step channel's frame protection for the MLP (270k parameters, 1 MB per frame): AES-128-GCM
 * seal and open as the channel does them, and HmacSHA256 over the same bytes for comparison.
 * Run: {@code java -cp worker/target/classes bench/spark/src/main/java/dev/dptrain/bench/spark/ChannelCryptoBench.java}
 */
public final class ChannelCryptoBench {
  private ChannelCryptoBench() {}

  public static void main(String[] a) throws Exception {
    int hdr = 44, body = 270_000 * 4;
    byte[] plain = new byte[hdr + body + 16], sealed = new byte[hdr + body + 16], back = new byte[hdr + body + 16];
    new java.util.Random(1).nextBytes(plain);
    LinkAuth peer = LinkAuth.derive(new byte[32], 1, 0, 0, new byte[16], new byte[16]);
    LinkAuth auth = LinkAuth.derive(new byte[32], 1, 0, 0, new byte[16], new byte[16]);
    long seq = 0;
    for (int pass = 0; pass < 2; pass++) {
      int reps = 1500; long ts = 0, to = 0;
      for (int i = 0; i < reps; i++, seq++) {
        long t0 = System.nanoTime();
        int n = auth.seal((byte) 1, seq, i, plain, hdr, body, sealed);
        long t1 = System.nanoTime();
        if (!peer.open((byte) 1, seq, i, sealed, hdr, n - hdr, back)) throw new AssertionError();
        to += System.nanoTime() - t1; ts += t1 - t0;
      }
      if (pass == 1) System.out.printf("AES-128-GCM frame of %d bytes (MLP, 270k params): seal %.3f ms, open %.3f ms; per step (seal+open each way) %.2f ms%n",
          hdr + body, ts / 1e6 / reps, to / 1e6 / reps, 2 * (ts + to) / 1e6 / reps);
    }
    javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
    m.init(new javax.crypto.spec.SecretKeySpec(new byte[32], "HmacSHA256"));
    for (int pass = 0; pass < 2; pass++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < 1500; i++) {
        m.update(plain, 0, hdr + body);
        m.doFinal();
      }
      if (pass == 1) {
        double ms = (System.nanoTime() - t0) / 1e6 / 1500;
        System.out.printf("HmacSHA256 over the same %d bytes: %.3f ms; per step (MAC + verify each way) %.2f ms%n",
            hdr + body, ms, 4 * ms);
      }
    }
  }
}
