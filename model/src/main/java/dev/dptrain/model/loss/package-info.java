/**
 * Losses, each returning the batch's summed loss and writing the delta of the output (softmax
 * with cross-entropy as one loss).
 */
package dev.dptrain.model.loss;
