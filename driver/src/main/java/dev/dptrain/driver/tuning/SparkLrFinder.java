package dev.dptrain.driver.tuning;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.cli.TrainingData;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.tuning.LrRangeTest;
import dev.dptrain.worker.PackedPartition;
import java.io.IOException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/** The learning-rate range test as one distributed run of the {@link SparkTrainer}, without checkpoints. */
public final class SparkLrFinder {
  private SparkLrFinder() {}

  /** {@code dptrain lr-find} without the CLI: the run's data read as {@code train} reads it, then {@link #run}. */
  public static LrRangeTest.Result run(SparkSession spark, RunConfig rc, LrRangeTest test) throws IOException {
    TrainingData data = TrainingData.load(rc, spark, null);
    try {
      return run(JavaSparkContext.fromSparkContext(spark.sparkContext()), rc.network(), rc.train(), stepOptions(rc),
          data.trainRdd(), test);
    } finally {
      data.unpersist();
    }
  }

  public static LrRangeTest.Result run(JavaSparkContext sc, NetworkSpec net, TrainSpec base, SparkTrainer.Options options,
                                       JavaRDD<PackedPartition> train, LrRangeTest test) {
    SparkTrainer.Options noCheckpoints = new SparkTrainer.Options(options.treeDepth(), null, 0, 0,
        options.transport(), options.channelPort());
    try {
      new SparkTrainer(sc, net, test.spec(base), noCheckpoints).fit(train, null, test);
    } catch (ArithmeticException e) {
      test.diverged(e);
    }
    return test.result();
  }

  /** The config's step settings (tree depth, transport, channel port) without checkpoints or precise BN: short tuning runs. */
  public static SparkTrainer.Options stepOptions(RunConfig rc) {
    return SparkTrainer.Options.builder().optTreeDepth(rc.spark().treeDepth())
        .optTransport(StepTransport.Kind.parse(rc.spark().transport())).optChannelPort(rc.spark().channelPort()).build();
  }
}
