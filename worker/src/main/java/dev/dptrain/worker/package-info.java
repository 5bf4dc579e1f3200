/**
 * The executor side of a run: a cached PackedPartition and the Worker that computes on it (a
 * step's gradient, evaluation, precise-BN statistics), one per task thread with its network and
 * buffers reused from step to step.
 */
package dev.dptrain.worker;
