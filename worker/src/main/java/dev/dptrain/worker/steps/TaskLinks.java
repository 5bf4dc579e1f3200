package dev.dptrain.worker.steps;

import dev.dptrain.model.GradientSum;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.Socket;
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
    /** The link for this task, or null when the channel refuses it (e.g. a stale attempt). */
    LocalLink attach(int partition, int stageAttempt);
  }

  /** Open channels of this JVM by token, for tasks that run in the driver's JVM. */
  private static final Map<Long, LocalChannel> IN_THIS_JVM = new ConcurrentHashMap<>();

  public static void registerLocal(long token, LocalChannel channel) {
    IN_THIS_JVM.put(token, channel);
  }

  public static void unregisterLocal(long token) {
    IN_THIS_JVM.remove(token);
  }

  /** Called by a task: its in-memory link, or null when no channel of this JVM has the token. */
  static TaskLink attachLocal(long token, int partition, int stageAttempt) {
    LocalChannel channel = IN_THIS_JVM.get(token);
    return channel == null ? null : channel.attach(partition, stageAttempt);
  }

  public static void configure(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(WAIT_MILLIS);
    s.setSendBufferSize(4 << 20);
    s.setReceiveBufferSize(4 << 20);
  }

  /** Task side of a socket link. */
  static final class SocketTaskLink implements TaskLink {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Wire wire = new Wire();
    private float[] params;

    SocketTaskLink(String host, int port, long token, int partition, int stageAttempt) throws IOException {
      socket = new Socket(host, port);
      configure(socket);
      in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      out = socket.getOutputStream();
      out.write(Wire.hello(token, partition, stageAttempt));
      out.flush();
    }

    @Override
    public ChannelStep next(Wire.StillWaiting waiting) throws IOException {
      ChannelStep s = wire.readStep(in, params, waiting);
      if (s != null) params = s.params();
      return s;
    }

    @Override
    public void reply(GradientSum result) throws IOException {
      wire.writeResult(out, result);
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
