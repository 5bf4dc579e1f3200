/**
 * Checkpoints: the versioned binary form of a TrainingState and the store that writes them
 * atomically to any Hadoop file system and finds the newest readable one on resume.
 */
package dev.dptrain.driver.checkpoint;
