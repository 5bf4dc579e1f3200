/**
 * The layers of the engine. A {@link dev.dptrain.model.layers.Layer} owns no weights: it reads and
 * writes its slice of the network's flat parameter, gradient and state vectors (handed over in a
 * {@link dev.dptrain.model.layers.Pass}) and keeps only per-batch buffers. Layers normalising with
 * batch statistics ({@link dev.dptrain.model.layers.BatchStatsLayer}) never update their running
 * statistics themselves: the trainer pools them across partitions ({@link
 * dev.dptrain.model.layers.NormStats}) and applies them once per step. Each layer's config entry is
 * its spec in {@code config.LayerSpec}, registered in {@code config.LayerTypes}.
 */
package dev.dptrain.model.layers;
