package dev.dptrain.driver;

import java.io.Serializable;

/**
 * What the driver broadcasts each step: the flat parameter vector and, for validation and
 * prediction only, the running statistics. Written as raw floats so a step sends ~4 bytes per
 * parameter and nothing else.
 */
public final class StepPayload implements Serializable {
  private static final long serialVersionUID = 1L;

  public final float[] params;
  public final float[] normState;

  public StepPayload(float[] params, float[] normState) {
    this.params = params;
    this.normState = normState;
  }
}
