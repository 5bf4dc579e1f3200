/**
 * Configuration as records and their strict readers: NetworkSpec and LayerSpec (what to build)
 * and the HOCON parsers of the model and train blocks, whose errors name the key and the value.
 */
package dev.dptrain.model.config;
