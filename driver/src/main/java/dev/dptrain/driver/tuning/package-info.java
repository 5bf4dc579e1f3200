/**
 * Tuning on Spark (note 003), each usable from Java without the CLI (the CLI's check, lr-find and
 * search are thin layers over these): the sanity checks in a task on the first training partition
 * (SparkChecks), the learning-rate range test as a run of the SparkTrainer (SparkLrFinder), and the
 * search (SparkSearch: RandomSearch's trials, several at once when the task slots allow, each a
 * SparkTrainer run on the data cached once).
 */
package dev.dptrain.driver.tuning;
