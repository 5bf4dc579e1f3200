package dev.dptrain.worker.steps;

import dev.dptrain.model.GradientSum;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The task's end of its link to the driver: over a socket (any executor), or by reference through
 * a pair of queues when the task runs in the driver's own JVM (local mode), where serialising
 * would only copy the arrays Spark's own local broadcast also shares.
 */
public final class TaskLinks {
  private TaskLinks() {}

  /** How long a read waits before it checks that the peer is still there. */
  public static final int WAIT_MILLIS = 250;

  /**
   * How long a task waits to connect and then for the driver's challenge. The driver answers
   * every hello on a bounded pool within its own 5 s deadline, so a minute without a challenge
   * means a stale address or a listener that is not the driver's: the task fails (and Spark
   * reruns the stage) instead of waiting for ever.
   */
  static final int HELLO_MILLIS = Integer.getInteger("dptrain.channel.taskHelloMillis", 60_000);

  /** The task's end. */
  public interface TaskLink extends AutoCloseable {
    /** The next step, or null at END. */
    ChannelStep next(Wire.StillWaiting waiting) throws IOException;

    void reply(GradientSum result) throws IOException;

    @Override
    void close();
  }

  /** A driver channel in this JVM, which hands a task of its job an in-memory link. */
  public interface LocalChannel {
    /**
     * The link for this task, or null when the channel refuses it (a stale attempt, or a secret
     * that is not the job's).
     */
    LocalLink attach(byte[] secret, int partition, int stageAttempt);
  }

  /** Open channels of this JVM by job id, for tasks that run in the driver's JVM. */
  private static final Map<Long, LocalChannel> IN_THIS_JVM = new ConcurrentHashMap<>();

  public static void registerLocal(long jobId, LocalChannel channel) {
    IN_THIS_JVM.put(jobId, channel);
  }

  public static void unregisterLocal(long jobId) {
    IN_THIS_JVM.remove(jobId);
  }

  /** Called by a task: its in-memory link, or null when no channel of this JVM runs the job. */
  static TaskLink attachLocal(long jobId, byte[] secret, int partition, int stageAttempt) {
    LocalChannel channel = IN_THIS_JVM.get(jobId);
    return channel == null ? null : channel.attach(secret, partition, stageAttempt);
  }

  public static void configure(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(WAIT_MILLIS);
    s.setSendBufferSize(4 << 20);
    s.setReceiveBufferSize(4 << 20);
  }

  /** Task side of a socket link: connects, answers the driver's challenge, then exchanges frames. */
  static final class SocketTaskLink implements TaskLink {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Wire wire;
    private float[] params;
    private long step = -1;

    SocketTaskLink(String host, int port, byte[] secret, long jobId, int partition, int stageAttempt, int paramCount,
                   int statsCount, Wire.StillWaiting waiting) throws IOException {
      this(host, port, secret, jobId, partition, stageAttempt, paramCount, statsCount, waiting, HELLO_MILLIS);
    }

    SocketTaskLink(String host, int port, byte[] secret, long jobId, int partition, int stageAttempt, int paramCount,
                   int statsCount, Wire.StillWaiting waiting, int helloMillis) throws IOException {
      socket = new Socket();
      try {
        long deadline = System.nanoTime() + helloMillis * 1_000_000L;
        socket.connect(new InetSocketAddress(host, port), helloMillis);
        configure(socket);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = socket.getOutputStream();
        byte[] nonce = LinkAuth.newNonce();
        out.write(Wire.hello(jobId, partition, stageAttempt, nonce));
        out.flush();
        byte[] challenge = new byte[LinkAuth.NONCE_BYTES];
        Wire.readFully(in, challenge, 0, challenge.length, () -> {
          waiting.check();
          if (System.nanoTime() - deadline > 0) {
            throw new SocketTimeoutException("no challenge from the driver at " + host + ":" + port + " within "
                + helloMillis + " ms of connecting");
          }
        });
        LinkAuth auth = LinkAuth.derive(secret, jobId, stageAttempt, partition, challenge, nonce);
        out.write(auth.proof());
        out.flush();
        wire = new Wire(auth, paramCount, statsCount);
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    }

    @Override
    public ChannelStep next(Wire.StillWaiting waiting) throws IOException {
      ChannelStep s = wire.readStep(in, params, waiting);
      if (s != null) {
        params = s.params();
        step = s.at().step();
      }
      return s;
    }

    @Override
    public void reply(GradientSum result) throws IOException {
      wire.writeResult(out, result, step);
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing: nothing left to lose
      }
    }
  }

  /**
   * Both ends of an in-JVM link: the driver's params array and the task's result are shared, not
   * copied. The driver uses {@link #send}/{@link #receive}, the task {@link #next}/{@link #reply}.
   */
  public static final class LocalLink implements TaskLink {
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();
    private final BlockingQueue<Object> toTask = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> toDriver = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    /** Driver: sends a step, or END when {@code step} is null. */
    public void send(ChannelStep step) throws IOException {
      if (closed) throw new IOException("link closed");
      toTask.add(step == null ? END : step);
    }

    /** Driver: the task's result. */
    public GradientSum receive(Wire.StillWaiting waiting) throws IOException {
      return (GradientSum) take(toDriver, waiting);
    }

    @Override
    public ChannelStep next(Wire.StillWaiting waiting) throws IOException {
      Object o = take(toTask, waiting);
      return o == END ? null : (ChannelStep) o;
    }

    @Override
    public void reply(GradientSum result) throws IOException {
      if (closed) throw new IOException("link closed");
      toDriver.add(result);
    }

    private Object take(BlockingQueue<Object> q, Wire.StillWaiting waiting) throws IOException {
      while (true) {
        Object o;
        try {
          o = q.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting on the step channel");
        }
        if (o == CLOSED || (o == null && closed)) throw new EOFException("link closed by the peer");
        if (o != null) return o;
        waiting.check();
      }
    }

    @Override
    public void close() {
      closed = true;
      toTask.add(CLOSED);
      toDriver.add(CLOSED);
    }
  }
}
