/**
 * The dptrain command line: argument parsing, the train command (with warm start), scheduled
 * retraining ({@code retrain}: {@link dev.dptrain.driver.cli.Retrain}, the model directory in
 * {@link dev.dptrain.driver.cli.ModelVersions}) and the model commands (info, evaluate, predict).
 */
package dev.dptrain.driver.cli;
