package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.worker.steps.ChannelStep;
import dev.dptrain.worker.steps.StepFrame;
import dev.dptrain.worker.steps.TaskLinks;
import dev.dptrain.worker.steps.Wire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * The driver's end of one task's link: over a socket (any executor), or in memory for a task in
 * the driver's own JVM. The task's end is the worker's {@link TaskLinks}.
 */
final class Links {
  private Links() {}

  /** The driver's end. */
  interface DriverLink extends AutoCloseable {
    /**
     * Sends a step, or END when {@code step} is null; {@code frame} is its STEP or END frame,
     * sealed once for every socket link (in-JVM links hand over {@code step} itself).
     */
    void send(ChannelStep step, StepFrame frame) throws IOException;

    GradientSum receive(Wire.StillWaiting waiting) throws IOException;

    @Override
    void close();
  }

  /** Driver side of a socket link whose task has passed the challenge-response hello. */
  static final class SocketDriverLink implements DriverLink {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Wire wire;
    private float[] grad;
    private long step = -1;

    SocketDriverLink(Socket socket, InputStream in, Wire wire) throws IOException {
      this.socket = socket;
      this.in = in;
      this.out = socket.getOutputStream();
      this.wire = wire;
    }

    /** The task's address, for messages. */
    String peer() {
      return String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public void send(ChannelStep step, StepFrame frame) throws IOException {
      if (step != null) this.step = step.at().step();
      frame.writeTo(out);
    }

    /**
     * The gradient array is reused for this link's next result: the driver has merged and applied
     * a step before it sends the next one.
     */
    @Override
    public GradientSum receive(Wire.StillWaiting waiting) throws IOException {
      GradientSum r;
      try {
        r = wire.readResult(in, grad, step, waiting);
      } catch (Wire.RejectedFrame e) {
        throw new Wire.RejectedFrame("task at " + peer() + ": " + e.getMessage());
      }
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

  /** Driver side of an in-JVM link: hands over references. */
  static final class LocalDriverLink implements DriverLink {
    private final TaskLinks.LocalLink link;

    LocalDriverLink(TaskLinks.LocalLink link) {
      this.link = link;
    }

    @Override
    public void send(ChannelStep step, StepFrame frame) throws IOException {
      link.send(step);
    }

    @Override
    public GradientSum receive(Wire.StillWaiting waiting) throws IOException {
      return link.receive(waiting);
    }

    @Override
    public void close() {
      link.close();
    }
  }
}
