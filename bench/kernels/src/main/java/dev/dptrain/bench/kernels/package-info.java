/**
 * JMH kernel benchmarks (sgemm, every layer's forward and backward); not part of the product, run
 * by scripts/bench/kernels.sh.
 */
package dev.dptrain.bench.kernels;
