/**
 * How a run trains, the same for one process and for Spark: the TrainingLoop over a StepSource,
 * the StepCoordinates of every step, the BatchPlan that says which examples each partition
 * contributes to a step, the per-partition gradient (PartitionGradient), the Stepper that applies
 * a summed gradient, the TrainingState a checkpoint holds, and the single-process LocalTrainer
 * over LocalSteps.
 */
package dev.dptrain.model.train;
