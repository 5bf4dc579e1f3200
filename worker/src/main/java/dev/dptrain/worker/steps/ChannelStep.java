package dev.dptrain.worker.steps;

import dev.dptrain.model.train.StepCoordinates;

/** One step on the step channel: its coordinates and the parameters. */
public record ChannelStep(StepCoordinates at, float[] params) {}
