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
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The run's data, read and packed on the executors in {@code spark.partitions} balanced partitions,
 * with the standardisation fitted on the training partitions in one distributed pass and applied
 * to both, cached with lineage back to the input files.
 */
record TrainingData(long trainSize, JavaRDD<PackedPartition> trainRdd, JavaRDD<PackedPartition> testRdd,
                    Standardizer standardizer) {
  static TrainingData load(RunConfig rc, SparkSession spark) throws IOException {
    Network net = Network.build(rc.network());
    LabelRule rule = labelRule(net);
    RunConfig.Data d = rc.data();
    int partitions = rc.spark().partitions();
    long seed = rc.train().seed();
    Shape shape = rc.network().input();
    JavaRDD<PackedPartition> train = DistributedData.partitions(
        DistributedData.records(spark, d.train(), shape, rule), shape, partitions, seed, d.limit());
    Standardizer st = DistributedStandardizer.fit(train, d.standardize(), d.perChannel(), rc.spark().treeDepth());
    JavaRDD<PackedPartition> trainRdd = DistributedData.cache(train, st);
    JavaRDD<PackedPartition> testRdd = d.test() == null ? null : DistributedData.cache(DistributedData.partitions(
        DistributedData.records(spark, d.test(), shape, rule), shape, partitions, seed, 0), st);
    long n = DistributedData.run(() -> trainRdd.map(p -> (long) p.size()).reduce(Long::sum));
    return new TrainingData(n, trainRdd, testRdd, st);
  }

  /** Labels the network's loss accepts; the data formats carry one label per example. */
  static LabelRule labelRule(Network net) {
    if (net.labelWidth() != 1) {
      throw new Conf.ConfigError("loss " + net.spec().loss() + " with " + net.outputSize()
          + " outputs needs " + net.labelWidth() + " labels per example; the data formats carry one");
    }
    return LabelRule.classes(SavedModel.classesOf(net));
  }
}
