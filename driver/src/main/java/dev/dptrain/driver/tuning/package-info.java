/**
 * Tuning on Spark (note 003): the sanity checks run in a task on the first training partition
 * (SparkChecks), the learning-rate range test as a run of the SparkTrainer (SparkLrFinder), and the
 * random search's trials, each a SparkTrainer run on the cached data (RandomSearch).
 */
package dev.dptrain.driver.tuning;
