/**
 * The dptrain command line: argument parsing, the train command and the model commands (info,
 * evaluate, predict).
 */
package dev.dptrain.driver.cli;
