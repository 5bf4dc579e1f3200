/**
 * The driver side of a Spark run: SparkTrainer (the training loop with the Spark transports as
 * its step source, validation and precise BN as Spark jobs), the run configuration, the Spark
 * session setup and Kryo registration, and the packing of data sets into cached partitions.
 */
package dev.dptrain.driver;
