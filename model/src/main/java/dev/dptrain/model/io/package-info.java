/**
 * The saved model file: SavedModel (network, parameters, running statistics, provenance) and its
 * versioned binary codec, specified in docs/model-format.md.
 */
package dev.dptrain.model.io;
