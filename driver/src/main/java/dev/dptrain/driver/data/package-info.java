/**
 * The driver side of the data path: it lists input files (names and sizes, never contents),
 * plans the RDD that the executors read, balance over partitions, pack and cache, and fits the
 * input standardisation in one distributed pass. No example passes through the driver; data
 * already in the driver's memory (a Java caller's Dataset, tests) is cached through
 * {@link dev.dptrain.driver.data.PackedData}.
 */
package dev.dptrain.driver.data;
