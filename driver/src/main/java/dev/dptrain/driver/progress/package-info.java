/**
 * Console progress of a run: a bar or log lines per step and a summary per epoch.
 */
package dev.dptrain.driver.progress;
