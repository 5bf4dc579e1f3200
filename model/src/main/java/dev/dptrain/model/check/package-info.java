/**
 * Checks before training (note 003, "babysitting the learning process"): SanityChecks (initial
 * loss, regularisation, a finite-difference gradient check of the configured network, overfitting
 * a tiny subset), on the finite differences and float32 error bounds of FiniteDifferences, which
 * the per-layer gradient tests share.
 */
package dev.dptrain.model.check;
