package dev.dptrain.driver.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.SparkTestSupport;
import dev.dptrain.driver.data.PackedData;
import dev.dptrain.model.GradientSum;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.steps.Wire;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the step channel over real sockets on 127.0.0.1 with real Spark local-mode tasks:
 * forged, replayed and malformed frames, unauthenticated and slow hellos, where it listens.
 */
class ChannelSecurityTest {
  private final JavaSparkContext sc = SparkTestSupport.sc();
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Logger log = Logger.getLogger(ChannelSteps.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      warnings.add(r.getMessage());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void listen() {
    log.addHandler(capture);
  }

  @AfterEach
  void unlisten() {
    log.removeHandler(capture);
  }

  private static NetworkSpec net() {
    return NetworkSpec.builder(Shape.vector(8)).dense(16).batchNorm().relu().dense(3).build();
  }

  private final NetworkSpec spec = net();
  private final Broadcast<NetworkSpec> specBc = sc.broadcast(spec);
  private final JavaRDD<PackedPartition> rdd = PackedData.fromDataset(sc, SparkTestSupport.blobs(200, 8, 3, 31), 2);
  private final float[] params = Network.build(spec).initParams(5);

  private ChannelSteps channel(boolean tcp) {
    return new ChannelSteps(sc, rdd, specBc, Augmentation.NONE, tcp, 0);
  }

  /** Steps 0..n-1 with fixed parameters; the results' arrays copied (links reuse them). */
  private static List<GradientSum> run(ChannelSteps ch, int n, float[] params) {
    List<GradientSum> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      GradientSum g = ch.step(new StepCoordinates(9, 0, i, i, 100), params);
      GradientSum c = new GradientSum();
      c.grad = g.grad.clone();
      c.normStats = g.normStats.clone();
      c.count = g.count;
      c.lossSum = g.lossSum;
      c.correct = g.correct;
      out.add(c);
    }
    ch.release();
    return out;
  }

  private static void assertSameResults(List<GradientSum> a, List<GradientSum> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).grad, b.get(i).grad, "step " + i);
      assertArrayEquals(a.get(i).normStats, b.get(i).normStats, "step " + i);
      assertEquals(a.get(i).count, b.get(i).count);
      assertEquals(Double.doubleToRawLongBits(a.get(i).lossSum), Double.doubleToRawLongBits(b.get(i).lossSum));
    }
  }

  private List<GradientSum> clean(int steps) {
    try (ChannelSteps ch = channel(true)) {
      return run(ch, steps, params);
    }
  }

  private enum Attack { FLIP, REPLAY, ALWAYS_FLIP }

  /**
   * A man in the middle between the tasks and the driver: forwards everything, except that on
   * partition 0's first connection (or on every connection, ALWAYS_FLIP) its third RESULT is
   * altered: one gradient bit flipped, or replaced by the bytes of the second RESULT.
   */
  private static final class Proxy implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger tampered = new AtomicInteger();
    final AtomicInteger connections = new AtomicInteger();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();

    Proxy(int driverPort, Attack attack) throws IOException {
      server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket task = server.accept();
            Socket driver = new Socket(InetAddress.getLoopbackAddress(), driverPort);
            sockets.add(task);
            sockets.add(driver);
            connections.incrementAndGet();
            pump(driver.getInputStream(), task.getOutputStream(), task, driver);
            Thread up = new Thread(() -> tamper(task, driver, attack));
            up.setDaemon(true);
            up.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    private static void pump(InputStream in, OutputStream out, Socket a, Socket b) {
      Thread t = new Thread(() -> {
        try {
          in.transferTo(out);
        } catch (IOException ignored) {
          // one side closed
        }
        closeBoth(a, b);
      });
      t.setDaemon(true);
      t.start();
    }

    private static void closeBoth(Socket a, Socket b) {
      try {
        a.close();
        b.close();
      } catch (IOException ignored) {
        // closing
      }
    }

    private void tamper(Socket task, Socket driver, Attack attack) {
      try {
        DataInputStream in = new DataInputStream(task.getInputStream());
        OutputStream out = driver.getOutputStream();
        byte[] hello = new byte[Wire.HELLO_BYTES];
        in.readFully(hello);
        out.write(hello); // the task sends its proof only after the driver's challenge
        byte[] proof = new byte[32];
        in.readFully(proof);
        out.write(proof);
        ByteBuffer h = ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN);
        h.getInt();
        h.getLong();
        boolean target = attack == Attack.ALWAYS_FLIP || (h.getInt() == 0 && h.getInt() == 0);
        byte[] previous = null;
        for (int k = 0; ; k++) {
          byte[] header = new byte[44];
          in.readFully(header);
          ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
          int g = b.getInt(36);
          int s = b.getInt(40);
          byte[] frame = new byte[44 + (int) Wire.sealedBodyBytes(4L * Math.max(g, 0) + 8L * Math.max(s, 0))];
          System.arraycopy(header, 0, frame, 0, 44);
          in.readFully(frame, 44, frame.length - 44);
          byte[] sent = frame;
          if (target && (attack == Attack.ALWAYS_FLIP || k == 2)) {
            if (attack == Attack.REPLAY) {
              sent = previous;
            } else {
              sent = frame.clone();
              sent[44 + 1] ^= 0x01;
            }
            tampered.incrementAndGet();
          }
          out.write(sent);
          out.flush();
          previous = frame;
        }
      } catch (IOException e) {
        closeBoth(task, driver);
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : sockets) s.close();
    }
  }

  private List<GradientSum> attacked(Attack attack, int steps) throws IOException {
    try (ChannelSteps ch = channel(true); Proxy proxy = new Proxy(ch.port(), attack)) {
      ch.advertise("127.0.0.1", proxy.server.getLocalPort());
      List<GradientSum> r = run(ch, steps, params);
      assertEquals(1, proxy.tampered.get(), "the attack happened once");
      assertTrue(proxy.connections.get() >= 4, "the stage was rerun: " + proxy.connections.get() + " connections");
      return r;
    }
  }

  @Test
  void forgedGradientReplyIsRejectedAndTheResultIsTheCleanRuns() throws IOException {
    List<GradientSum> expected = clean(5);
    assertSameResults(expected, attacked(Attack.FLIP, 5));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("RESULT for step 2 failed authentication")
        && w.contains("127.0.0.1")), warnings.toString());
  }

  @Test
  void replayedReplyFromAnEarlierStepIsRejected() throws IOException {
    List<GradientSum> expected = clean(5);
    assertSameResults(expected, attacked(Attack.REPLAY, 5));
    assertTrue(warnings.stream().anyMatch(w -> w.contains("RESULT for step 2 failed authentication")),
        warnings.toString());
  }

  @Test
  void aPersistentlyForgingPeerEndsTheRunWithAClearError() throws IOException {
    try (ChannelSteps ch = channel(true); Proxy proxy = new Proxy(ch.port(), Attack.ALWAYS_FLIP)) {
      ch.advertise("127.0.0.1", proxy.server.getLocalPort());
      long t0 = System.nanoTime();
      RuntimeException e = assertThrows(RuntimeException.class, () -> run(ch, 5, params));
      assertTrue(e.getMessage().contains("gave up after") || e.getMessage().contains("Spark gave up"), e.getMessage());
      assertTrue(System.nanoTime() - t0 < 120_000_000_000L, "bounded");
      assertTrue(proxy.tampered.get() >= 2, "several attempts were forged: " + proxy.tampered.get());
    }
  }

  /** Hellos without the job key: wrong proof, or a higher stage attempt; none disturbs the links. */
  @Test
  void unauthenticatedHellosAreRefusedAndReplaceNoLink() throws Exception {
    List<GradientSum> expected = clean(3);
    try (ChannelSteps ch = channel(true)) {
      List<GradientSum> got = new ArrayList<>();
      GradientSum first = ch.step(new StepCoordinates(9, 0, 0, 0, 100), params);
      got.add(copy(first));
      // Hellos for a job that is not running: closed before any challenge.
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ch.port())) {
        s.getOutputStream().write(Wire.hello(ch.jobId() ^ 2, 0, 0, new byte[16]));
        s.setSoTimeout(10_000);
        assertEquals(-1, s.getInputStream().read(), "refused: closed without a challenge");
      }
      // The right job id (it travels in clear), partition 0, stage attempts 0 and 7, but no key:
      // a challenge comes, the made-up proof is refused, and the real links stay.
      for (int attempt : new int[] {0, 7}) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ch.port())) {
          s.getOutputStream().write(Wire.hello(ch.jobId(), 0, attempt, new byte[16]));
          s.setSoTimeout(10_000);
          DataInputStream in = new DataInputStream(s.getInputStream());
          in.readFully(new byte[16]);
          s.getOutputStream().write(new byte[32]);
          assertEquals(-1, in.read(), "refused after the wrong proof");
        }
      }
      for (int i = 1; i < 3; i++) got.add(copy(ch.step(new StepCoordinates(9, 0, i, i, 100), params)));
      ch.release();
      assertSameResults(expected, got);
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains("refused a hello from /127.0.0.1")), warnings.toString());
    assertTrue(warnings.stream().anyMatch(w -> w.contains("/127.0.0.1") && w.contains("partition 0, stage attempt 0)")
        && w.contains("wrong proof")), warnings.toString());
  }

  private static GradientSum copy(GradientSum g) {
    GradientSum c = new GradientSum();
    c.grad = g.grad.clone();
    c.normStats = g.normStats.clone();
    c.count = g.count;
    c.lossSum = g.lossSum;
    return c;
  }

  /** A client that sends one byte every 2 s neither delays a step nor holds its connection past the deadline. */
  @Test
  void slowLorisDoesNotDelayAStep() throws Exception {
    try (ChannelSteps ch = channel(true); Socket loris = new Socket(InetAddress.getLoopbackAddress(), ch.port())) {
      Thread dribble = new Thread(() -> {
        try {
          OutputStream o = loris.getOutputStream();
          for (int i = 0; i < 30; i++) {
            o.write(i == 0 ? 0x33 : 0);
            o.flush();
            Thread.sleep(2_000);
          }
        } catch (IOException | InterruptedException ignored) {
          // closed by the driver: expected
        }
      });
      dribble.setDaemon(true);
      dribble.start();
      long t0 = System.nanoTime();
      ch.step(new StepCoordinates(9, 0, 0, 0, 100), params);
      ch.step(new StepCoordinates(9, 0, 1, 1, 100), params);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms < ChannelSteps.HELLO_MILLIS, "two steps (with the job's start) took " + ms + " ms");
      loris.setSoTimeout(ChannelSteps.HELLO_MILLIS + 5_000);
      long t1 = System.nanoTime();
      assertEquals(-1, loris.getInputStream().read(), "the driver closed the slow connection");
      assertTrue((System.nanoTime() - t1) / 1_000_000 <= ChannelSteps.HELLO_MILLIS + 1_000);
      ch.release();
    }
    assertTrue(warnings.stream().anyMatch(w -> w.contains("/127.0.0.1") && w.contains("hello not complete")),
        warnings.toString());
  }

  /** Listening TCP ports of this process, from /proc (Linux). */
  private static Set<Integer> listeningPorts() throws IOException {
    Set<String> inodes = new HashSet<>();
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) inodes.add(target.substring(8, target.length() - 1));
        } catch (IOException ignored) {
          // closed meanwhile
        }
      }
    }
    Set<Integer> ports = new HashSet<>();
    for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
      Path p = Path.of(table);
      if (!Files.exists(p)) continue;
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] f = line.trim().split("\\s+");
        if (f[3].equals("0A") && inodes.contains(f[9])) {
          ports.add(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16));
        }
      }
    }
    return ports;
  }

  @Test
  void localModeChannelOpensNoSocket() throws IOException {
    Set<Integer> before = listeningPorts();
    List<GradientSum> expected = clean(2);
    try (ChannelSteps ch = channel(false)) {
      assertEquals(-1, ch.port());
      assertNull(ch.boundAddress());
      List<GradientSum> got = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        got.add(copy(ch.step(new StepCoordinates(9, 0, i, i, 100), params)));
        Set<Integer> during = listeningPorts();
        during.removeAll(before);
        assertTrue(during.isEmpty(), "new listening ports during a local-mode channel step: " + during);
      }
      ch.release();
      assertSameResults(expected, got);
    }
  }

  @Test
  void listenerBindsOnlyTheConfiguredAddress() throws IOException {
    try (ChannelSteps ch = channel(true)) {
      InetAddress a = ch.boundAddress();
      assertFalse(a.isAnyLocalAddress(), "bound to " + a);
      assertEquals("127.0.0.1", a.getHostAddress());
      assertTrue(listeningPorts().contains(ch.port()));
    }
    SparkConf conf = new SparkConf(false).set("spark.driver.host", "10.1.2.3");
    assertEquals("10.1.2.3", ChannelSteps.bindAddress(conf, false));
    conf.set("spark.driver.bindAddress", "127.0.0.2");
    assertEquals("127.0.0.2", ChannelSteps.bindAddress(conf, false));
    assertEquals("127.0.0.1", ChannelSteps.bindAddress(conf, true));
    assertEquals("127.0.0.1", ChannelSteps.bindAddress(new SparkConf(false).set("spark.driver.bindAddress", "0.0.0.0")
        .set("spark.driver.host", "0.0.0.0"), false).equals("0.0.0.0") ? "wildcard" : "127.0.0.1");
  }
}
