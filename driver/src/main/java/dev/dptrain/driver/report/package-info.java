/**
 * The run's report.html, built from metrics.jsonl: loss and accuracy charts as inline SVG.
 */
package dev.dptrain.driver.report;
