/**
 * Reading input on the executors: the data source description the driver plans from, the
 * per-format record readers (IDX, LibSVM/CSV lines, Spark SQL rows) that parse and check each
 * record where it is read, the label rule, and the stable record key and seeded partitioner that
 * make the partitions' content independent of how Spark split the input files.
 */
package dev.dptrain.worker.data;
