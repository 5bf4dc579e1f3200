/**
 * TrainBench: engine throughput, Spark throughput and step overhead per transport, time to
 * accuracy; not part of the product, run by scripts/bench/train-bench.sh.
 */
package dev.dptrain.bench.spark;
