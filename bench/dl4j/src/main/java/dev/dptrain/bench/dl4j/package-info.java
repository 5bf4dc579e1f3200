/**
 * The DL4J Spark baseline of docs/benchmarks.md (built only on demand, never by the default
 * build): the same Fashion-MNIST MLP and global batch as dptrain, trained with DL4J's parameter
 * averaging, for the comparison tables.
 */
package dev.dptrain.bench.dl4j;
