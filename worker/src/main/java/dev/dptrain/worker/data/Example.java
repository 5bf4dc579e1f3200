package dev.dptrain.worker.data;

/**
 * One example as read from its file, before packing: its features and its label. Lives only
 * between a reader and the shuffle that balances examples over partitions.
 */
public record Example(float[] features, float label) {}
