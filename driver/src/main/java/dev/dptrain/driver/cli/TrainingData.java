package dev.dptrain.driver.cli;

import dev.dptrain.driver.PackedData;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.io.DistributedStandardizer;
import dev.dptrain.driver.io.LabelRule;
import dev.dptrain.model.Network;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.worker.PackedPartition;
import java.io.IOException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The run's data, read in the configured format, partitioned and cached, with the
 * standardisation fitted on the training partitions in one distributed pass and applied to both.
 */
record TrainingData(int trainSize, JavaRDD<PackedPartition> trainRdd, JavaRDD<PackedPartition> testRdd,
                    Standardizer standardizer) {
  static TrainingData load(RunConfig rc, SparkSession spark) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Network net = Network.build(rc.network());
    LabelRule rule = labelRule(net);
    RunConfig.Data d = rc.data();
    Dataset train = d.train().read(spark, rc.network().input(), rule);
    if (d.limit() > 0 && d.limit() < train.size()) train = train.slice(0, d.limit());
    Dataset test = d.test() == null ? null : d.test().read(spark, rc.network().input(), rule);
    int partitions = rc.spark().partitions();
    JavaRDD<PackedPartition> trainRdd = PackedData.fromDataset(sc, train, partitions);
    Standardizer st = DistributedStandardizer.fit(trainRdd, d.standardize(), d.perChannel(), rc.spark().treeDepth());
    trainRdd = DistributedStandardizer.apply(trainRdd, st);
    JavaRDD<PackedPartition> testRdd = test == null ? null : DistributedStandardizer.packed(sc, test, partitions, st);
    return new TrainingData(train.size(), trainRdd, testRdd, st);
  }

  /** Labels the network's loss accepts; the text formats carry one label per example. */
  static LabelRule labelRule(Network net) {
    if (net.labelWidth() != 1) {
      throw new IllegalArgumentException("loss " + net.spec().loss() + " with " + net.outputSize()
          + " outputs needs " + net.labelWidth() + " labels per example; the data formats carry one");
    }
    return LabelRule.classes(SavedModel.classesOf(net));
  }
}
