/**
 * Tuning a model (note 003): the learning-rate range test (LrRangeTest, a listener of the one
 * training loop) and the random hyperparameter search's space and trial plan (SearchSpace,
 * coarse then fine sampling with a deterministic seed per trial).
 */
package dev.dptrain.model.tuning;
