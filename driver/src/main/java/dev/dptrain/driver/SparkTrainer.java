package dev.dptrain.driver;

import dev.dptrain.driver.checkpoint.CheckpointStore;
import dev.dptrain.driver.io.ModelRunner;
import dev.dptrain.driver.steps.BroadcastSteps;
import dev.dptrain.driver.steps.ChannelSteps;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.driver.tuning.SparkChecks;
import dev.dptrain.model.check.LayerHealth;
import dev.dptrain.model.Evaluation;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.layers.NormStats;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.Stepper;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.Worker;
import java.util.List;
import java.util.logging.Logger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous data-parallel training: the {@link TrainingLoop} with a {@link StepTransport} as its
 * step source, plus what needs Spark around it (partition sizes, validation and precise BN as
 * Spark jobs, checkpoints on a Hadoop file system). Each step:
 * <ol>
 *   <li>the driver sends the flat parameter vector to every partition's task (a {@link StepTransport}:
 *       a Spark broadcast and job per step, or a channel to tasks that live for the epoch);</li>
 *   <li>every task takes its partition's share of the global batch (see {@link BatchPlan}) and
 *       returns gradient, loss and count SUMS and its BatchNorm batch statistics;</li>
 *   <li>the driver adds the sums and pools the statistics (Chan's formula) in partition order, or a
 *       {@code treeAggregate} does on very wide clusters (see {@link Options#treeDepth});</li>
 *   <li>the driver averages, regularises, clips and steps the optimiser, and updates the running
 *       BN statistics from the pooled ones ({@link Stepper}) — no extra job per step.</li>
 * </ol>
 * Validation runs once per epoch as a distributed inference pass; checkpoints are written every
 * {@code checkpointEvery} steps and a run resumes from the newest one.
 */
public final class SparkTrainer {
  private static final Logger LOG = Logger.getLogger(SparkTrainer.class.getName());

  /**
   * @param treeDepth how partition results are combined by the broadcast transport: 1 (default) =
   *     collected and merged on the driver in partition order, bit-reproducible for any number of
   *     partitions; &ge; 2 = {@code treeAggregate} of that depth, which spares the driver memory on
   *     very wide clusters but merges in task completion order (bit-reproducible only up to 2
   *     partitions). Also the depth of the per-epoch validation aggregate.
   * @param checkpointDir Hadoop path for checkpoints; null = no checkpoints
   * @param checkpointEvery steps between checkpoints (and one at the end of every epoch)
   * @param preciseBnBatches after training, recompute BN population statistics over this many
   *     batches with frozen weights; 0 = keep the running averages
   * @param transport how steps reach the executors (see {@link StepTransport})
   * @param channelPort driver port of the step channel; 0 = any free port
   */
  public record Options(int treeDepth, String checkpointDir, long checkpointEvery, int preciseBnBatches,
                        StepTransport.Kind transport, int channelPort) {
    public Options {
      if (treeDepth < 1) throw new IllegalArgumentException("tree depth must be >= 1, got " + treeDepth);
      if (checkpointEvery < 0) {
        throw new IllegalArgumentException("checkpoint-every must be >= 0, got " + checkpointEvery);
      }
      if (preciseBnBatches < 0) {
        throw new IllegalArgumentException("precise-bn batches must be >= 0, got " + preciseBnBatches);
      }
      if (transport == null) throw new IllegalArgumentException("transport must be set");
    }

    /** Tree depth 1, no checkpoints, no precise BN, AUTO transport, any free channel port. */
    public static Options defaults() {
      return builder().build();
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Optional settings, each starting at its default; {@link #build} validates. */
    public static final class Builder {
      private int treeDepth = 1;
      private String checkpointDir;
      private long checkpointEvery;
      private int preciseBnBatches;
      private StepTransport.Kind transport = StepTransport.Kind.AUTO;
      private int channelPort;

      private Builder() {}

      public Builder optTreeDepth(int depth) {
        this.treeDepth = depth;
        return this;
      }

      /** Checkpoints into {@code dir} (null = none) every {@code every} steps and at every epoch's end. */
      public Builder optCheckpoints(String dir, long every) {
        this.checkpointDir = dir;
        this.checkpointEvery = every;
        return this;
      }

      public Builder optPreciseBn(int batches) {
        this.preciseBnBatches = batches;
        return this;
      }

      public Builder optTransport(StepTransport.Kind kind) {
        this.transport = kind;
        return this;
      }

      public Builder optChannelPort(int port) {
        this.channelPort = port;
        return this;
      }

      public Options build() {
        return new Options(treeDepth, checkpointDir, checkpointEvery, preciseBnBatches, transport, channelPort);
      }
    }
  }

  private final JavaSparkContext sc;
  private final NetworkSpec netSpec;
  private final Network network;
  private final TrainSpec spec;
  private final Options options;
  private StepTransport.Kind transportUsed;
  private float[] initParams;
  private float[] initNormState;
  private int healthExamples;

  public SparkTrainer(JavaSparkContext sc, NetworkSpec netSpec, TrainSpec spec, Options options) {
    this.sc = sc;
    this.netSpec = netSpec;
    this.network = Network.build(netSpec);
    spec.augment().checkFits(netSpec.input());
    this.spec = spec;
    this.options = options;
  }

  public Network network() {
    return network;
  }

  /**
   * Warm start: a run without a checkpoint starts from these parameters and running BN
   * statistics (a saved model's, checked with {@code WarmStart.check}) instead of fresh ones; the
   * optimiser state and the schedule start afresh. A checkpoint still wins: a resumed run goes on.
   */
  public SparkTrainer startFrom(float[] params, float[] normState) {
    if (params.length != network.paramCount() || normState.length != network.stateCount()) {
      throw new IllegalArgumentException("initial model has " + params.length + " parameters / " + normState.length
          + " state floats, the network needs " + network.paramCount() + " / " + network.stateCount());
    }
    this.initParams = params.clone();
    this.initNormState = normState.clone();
    return this;
  }

  /**
   * Measures {@link LayerHealth} at the end of every epoch on the first {@code examples} examples of
   * partition 0 (one small Spark job) and hands it to the listener's {@code onLayerHealth}; 0 = off.
   */
  public SparkTrainer measureLayerHealth(int examples) {
    this.healthExamples = examples;
    return this;
  }

  /** Sizes of the cached partitions, in partition order. */
  static long[] partitionSizes(JavaRDD<PackedPartition> data) {
    List<long[]> pairs = data.map(p -> new long[] {p.index(), p.size()}).collect();
    long[] sizes = new long[pairs.size()];
    for (int i = 0; i < pairs.size(); i++) {
      if (pairs.get(i)[0] != i) {
        throw new IllegalStateException("partition " + i + " holds packed block " + pairs.get(i)[0]
            + "; build training data with PackedData so that block i is partition i");
      }
      sizes[i] = pairs.get(i)[1];
    }
    return sizes;
  }

  /**
   * Trains on {@code train} (one {@link PackedPartition} per partition, cached), resuming from the
   * newest checkpoint when the checkpoint directory holds one; {@code validation} may be null.
   */
  public TrainingState fit(JavaRDD<PackedPartition> train, JavaRDD<PackedPartition> validation,
                           TrainingLoop.Listener listener) {
    BatchPlan plan = new BatchPlan(partitionSizes(train), spec.batchSize(), spec.seed());
    long perEpoch = plan.stepsPerEpoch();
    TrainingLoop loop = new TrainingLoop(network, spec, perEpoch);
    CheckpointStore checkpoints = options.checkpointDir() == null ? null
        : new CheckpointStore(options.checkpointDir(), sc.hadoopConfiguration(), 2);
    TrainingState resumed = checkpoints == null ? null : checkpoints.latest();
    TrainingState state;
    if (resumed != null) {
      checkCompatible(resumed);
      state = resumed;
      LOG.info("resuming from checkpoint at step " + state.step + " (epoch " + state.epoch + ")");
    } else {
      state = loop.initialState();
      if (initParams != null) {
        System.arraycopy(initParams, 0, state.params, 0, initParams.length);
        System.arraycopy(initNormState, 0, state.normState, 0, initNormState.length);
      }
    }
    if (checkpoints != null) loop.checkpointWith(checkpoints::save, options.checkpointEvery());
    if (validation != null) loop.validateWith(s -> evaluate(validation, s));
    if (healthExamples > 0 && listener != null) {
      loop.atEpochEnd(s -> listener.onLayerHealth(s.epoch,
          SparkChecks.health(train, netSpec, s.params, s.normState, spec.seed(), healthExamples)));
    }
    Broadcast<NetworkSpec> specBc = sc.broadcast(netSpec);
    sc.setCallSite("dptrain training step"); // spares Spark a stack walk per job
    try (StepTransport steps = transport(train, specBc, perEpoch)) {
      boolean finished = loop.run(state, steps, listener);
      if (finished && options.preciseBnBatches() > 0) preciseBatchNorm(train, state, perEpoch, specBc);
      return state;
    } finally {
      sc.clearCallSite();
      specBc.destroy(false);
    }
  }

  /** The transport of this run: the options' choice, or for AUTO the channel when it can run. */
  private StepTransport transport(JavaRDD<PackedPartition> train, Broadcast<NetworkSpec> specBc, long perEpoch) {
    StepTransport.Kind kind = options.transport();
    if (kind == StepTransport.Kind.AUTO) {
      String why = options.treeDepth() > 1 ? "spark.tree-depth is " + options.treeDepth()
          : ChannelSteps.whyNot(sc, train.getNumPartitions());
      kind = why == null ? StepTransport.Kind.CHANNEL : StepTransport.Kind.BROADCAST;
      if (why != null) LOG.info("step transport: broadcast, because " + why);
    }
    transportUsed = kind;
    LOG.info("step transport: " + kind.configName());
    return switch (kind) {
      case BROADCAST -> new BroadcastSteps(sc, train, specBc, spec.augment(), options.treeDepth());
      case CHANNEL, CHANNEL_TCP -> new ChannelSteps(sc, train, specBc, spec.augment(),
          kind == StepTransport.Kind.CHANNEL_TCP, options.channelPort());
      case AUTO -> throw new AssertionError();
    };
  }

  /** The transport the last {@link #fit} used (AUTO resolved). */
  public StepTransport.Kind transportUsed() {
    return transportUsed;
  }

  private void checkCompatible(TrainingState s) {
    if (s.params.length != network.paramCount() || s.normState.length != network.stateCount()
        || s.optimizerState.length != spec.optimizer().stateSize(network.paramCount())) {
      throw new IllegalStateException("checkpoint in " + options.checkpointDir() + " does not fit this network: "
          + s.params.length + " parameters / " + s.normState.length + " state floats, network needs "
          + network.paramCount() + " / " + network.stateCount());
    }
    if (s.seed != spec.seed()) {
      throw new IllegalStateException("checkpoint in " + options.checkpointDir() + " was written with seed "
          + s.seed + ", this run uses seed " + spec.seed());
    }
  }

  /** Distributed inference-mode loss and accuracy with the state's parameters and running statistics. */
  public Evaluation evaluate(JavaRDD<PackedPartition> data, TrainingState state) {
    return ModelRunner.evaluate(sc, netSpec, state.params, state.normState, data, options.treeDepth());
  }

  /** Precise BN: population statistics of every BN input over N batches, weights frozen. */
  private void preciseBatchNorm(JavaRDD<PackedPartition> train, TrainingState state, long perEpoch,
                                Broadcast<NetworkSpec> specBc) {
    Broadcast<float[]> params = sc.broadcast(state.params);
    long seed = spec.seed();
    int batches = options.preciseBnBatches();
    double[] empty = network.emptyStats();
    double[] pooled = train.map(part -> Worker.get().batchStatistics(specBc.value(), params.value(), part,
            seed, perEpoch, batches))
        .treeAggregate(empty, NormStats::merge, NormStats::merge, options.treeDepth());
    params.destroy(false);
    network.setRunningStats(state.normState, pooled);
  }
}
