package dev.dptrain.driver.tuning;

import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.tuning.LrRangeTest;
import dev.dptrain.worker.PackedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/** The learning-rate range test as one distributed run of the {@link SparkTrainer}, without checkpoints. */
public final class SparkLrFinder {
  private SparkLrFinder() {}

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
}
