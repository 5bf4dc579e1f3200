/**
 * Optimisers (SGD with momentum, Adam/AdamW) behind a small Optimizer interface with its state
 * allocated once, and learning-rate schedules.
 */
package dev.dptrain.model.optim;
