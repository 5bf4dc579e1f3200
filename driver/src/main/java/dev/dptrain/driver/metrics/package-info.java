/**
 * The run's metrics.jsonl: one JSON line per logged step and per epoch (JsonLine, also used by
 * the benchmarks), with per-layer update ratios.
 */
package dev.dptrain.driver.metrics;
