package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.data.DistributedStandardizer;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.RecordKey;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The run's data, read and packed on the executors in {@code spark.partitions} balanced partitions,
 * with the standardisation fitted on the training partitions in one distributed pass and applied
 * to both, cached with lineage back to the input files.
 */
public record TrainingData(long trainSize, JavaRDD<PackedPartition> trainRdd, JavaRDD<PackedPartition> testRdd,
                           Standardizer standardizer) {
  /** The config's data; {@code fixed}: the standardisation to apply (a warm start's), null = fit it. */
  static TrainingData load(RunConfig rc, SparkSession spark, Standardizer fixed) throws IOException {
    Network net = Network.build(rc.network());
    LabelRule rule = labelRule(net);
    RunConfig.Data d = rc.data();
    Shape shape = rc.network().input();
    return of(DistributedData.records(spark, d.train(), shape, rule),
        d.test() == null ? null : DistributedData.records(spark, d.test(), shape, rule), shape,
        rc.spark().partitions(), rc.train().seed(), d.limit(),
        fixed, d.standardize(), d.perChannel(), rc.spark().treeDepth());
  }

  /**
   * Any records (files, a DataFrame) in {@code partitions} balanced partitions, standardised and
   * cached. {@code fixed}: a fitted standardisation to apply as it is; null = fit one ({@code mode},
   * {@code perChannel}) on the training partitions.
   */
  public static TrainingData of(JavaPairRDD<RecordKey, Example> train, JavaPairRDD<RecordKey, Example> test,
                                Shape shape, int partitions, long seed, long limit, Standardizer fixed,
                                Standardizer.Mode mode, boolean perChannel, int treeDepth) {
    JavaRDD<PackedPartition> packed = DistributedData.partitions(train, shape, partitions, seed, limit);
    Standardizer fitted = fixed != null ? fixed : DistributedStandardizer.fit(packed, mode, perChannel, treeDepth);
    JavaRDD<PackedPartition> trainRdd = DistributedData.cache(packed, fitted);
    JavaRDD<PackedPartition> testRdd = test == null ? null
        : DistributedData.cache(DistributedData.partitions(test, shape, partitions, seed, 0), fitted);
    long n = DistributedData.run(() -> trainRdd.map(p -> (long) p.size()).reduce(Long::sum));
    return new TrainingData(n, trainRdd, testRdd, fitted);
  }

  /** Labels the network's loss accepts; the data formats carry one label per example. */
  public static LabelRule labelRule(Network net) {
    if (net.labelWidth() != 1) {
      throw new Conf.ConfigError("loss " + net.spec().loss() + " with " + net.outputSize()
          + " outputs needs " + net.labelWidth() + " labels per example; the data formats carry one");
    }
    return LabelRule.classes(SavedModel.classesOf(net));
  }
}
