/**
 * The engine, free of Spark: the Network (layers over one flat parameter vector, forward,
 * backward, evaluation), the mergeable results a batch produces (GradientSum, Evaluation), shapes
 * and the seeded random numbers every part of a run derives its randomness from.
 */
package dev.dptrain.model;
