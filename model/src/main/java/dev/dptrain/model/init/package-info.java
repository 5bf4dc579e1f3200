/**
 * Parameter initialisers (He, Glorot, ...), seeded explicitly and kept apart from the layers'
 * construction.
 */
package dev.dptrain.model.init;
