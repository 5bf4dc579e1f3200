/**
 * The driver ends of the step transports (StepTransport: BroadcastSteps, ChannelSteps with its
 * Links), and PartitionJob, a job that returns one result per partition in partition order. The
 * tasks they run are in the worker's steps package.
 */
package dev.dptrain.driver.steps;
