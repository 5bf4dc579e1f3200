package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The two ends of one task's link to the driver: over a socket (any executor), or by reference
 * through a pair of queues when the task runs in the driver's own JVM (local mode), where
 * serialising would only copy the arrays Spark's own local broadcast also shares.
 */
final class Links {
  private Links() {}

  /**
   * One step as the driver sends it: coordinates, the parameters, and (for sockets) their frame,
   * encoded once for all links.
   */
  static final class Step {
    final int epoch;
    final long step;
    final long stepInEpoch;
    final float[] params;
    byte[] frame;

    Step(int epoch, long step, long stepInEpoch, float[] params) {
      this.epoch = epoch;
      this.step = step;
      this.stepInEpoch = stepInEpoch;
      this.params = params;
    }
  }

  /** The driver's end. */
  interface DriverLink extends AutoCloseable {
    /** Sends a step, or END when {@code step} is null. */
    void send(Step step) throws IOException;

    GradientSum receive(Wire.StillWaiting waiting) throws IOException;

    @Override
    void close();
  }

  /** The task's end. */
  interface TaskLink extends AutoCloseable {
    /** The next step, or null at END. */
    Step next(Wire.StillWaiting waiting) throws IOException;

    void reply(GradientSum result) throws IOException;

    @Override
    void close();
  }

  static final int WAIT_MILLIS = 250;

  /** Driver side of a socket link; the HELLO has been read by the acceptor. */
  static final class SocketDriverLink implements DriverLink {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Wire wire = new Wire();
    private float[] grad;

    SocketDriverLink(Socket socket, InputStream in) throws IOException {
      this.socket = socket;
      this.in = in;
      this.out = socket.getOutputStream();
    }

    @Override
    public void send(Step step) throws IOException {
      out.write(step == null ? Wire.end() : step.frame);
      out.flush();
    }

    /**
     * The gradient array is reused for this link's next result: the driver has merged and applied
     * a step before it sends the next one.
     */
    @Override
    public GradientSum receive(Wire.StillWaiting waiting) throws IOException {
      GradientSum r = wire.readResult(in, grad, waiting);
      if (r.grad != null) grad = r.grad;
      return r;
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
    public Step next(Wire.StillWaiting waiting) throws IOException {
      Wire.StepFrame f = wire.readStep(in, params, waiting);
      if (f == null) return null;
      params = f.params();
      return new Step(f.epoch(), f.step(), f.stepInEpoch(), f.params());
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

  static void configure(Socket s) throws IOException {
    s.setTcpNoDelay(true);
    s.setSoTimeout(WAIT_MILLIS);
    s.setSendBufferSize(4 << 20);
    s.setReceiveBufferSize(4 << 20);
  }

  /** Both ends of an in-JVM link: the driver's params array and the task's result are shared, not copied. */
  static final class LocalLink implements DriverLink, TaskLink {
    private static final Object END = new Object();
    private static final Object CLOSED = new Object();
    private final BlockingQueue<Object> toTask = new LinkedBlockingQueue<>();
    private final BlockingQueue<Object> toDriver = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    @Override
    public void send(Step step) throws IOException {
      if (closed) throw new IOException("link closed");
      toTask.add(step == null ? END : step);
    }

    @Override
    public GradientSum receive(Wire.StillWaiting waiting) throws IOException {
      Object o = take(toDriver, waiting);
      return (GradientSum) o;
    }

    @Override
    public Step next(Wire.StillWaiting waiting) throws IOException {
      Object o = take(toTask, waiting);
      return o == END ? null : (Step) o;
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
          throw new java.io.InterruptedIOException("interrupted while waiting on the step channel");
        }
        if (o == CLOSED || (o == null && closed)) throw new java.io.EOFException("link closed by the peer");
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
