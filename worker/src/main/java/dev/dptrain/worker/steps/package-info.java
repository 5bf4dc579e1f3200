/**
 * The task side of the step transports: BroadcastTask (a Spark job per step), ChannelTask with
 * its TaskLinks and the Wire format (one barrier job whose tasks stay up from step to step),
 * PartitionTask (one element per partition), and the test-only InjectedFailure. The driver ends
 * live in the driver's steps package.
 */
package dev.dptrain.worker.steps;
