package dev.dptrain.worker.steps;

import dev.dptrain.model.train.StepCoordinates;

/**
 * One step on the step channel: its coordinates and the parameters, plus (driver side, for
 * sockets) its STEP frame, encoded once for all links.
 */
public final class ChannelStep {
  private final StepCoordinates at;
  private final float[] params;
  private byte[] frame;

  public ChannelStep(StepCoordinates at, float[] params) {
    this.at = at;
    this.params = params;
  }

  public StepCoordinates at() {
    return at;
  }

  public float[] params() {
    return params;
  }

  /** The encoded STEP frame, or null until {@link #encode} ran. */
  public byte[] frame() {
    return frame;
  }

  /** Encodes the frame into {@code reuse} when it has the right size; returns the frame. */
  public byte[] encode(byte[] reuse) {
    frame = Wire.step(at, params, reuse);
    return frame;
  }
}
