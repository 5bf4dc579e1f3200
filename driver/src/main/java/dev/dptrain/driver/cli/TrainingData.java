package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.data.DistributedStandardizer;
import dev.dptrain.model.Network;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.DataRecipe;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RecordKey;
import java.io.IOException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * The run's data, read and packed on the executors in {@code spark.partitions} balanced partitions,
 * with the standardisation fitted on the training partitions in one distributed pass and applied
 * to both, cached with lineage back to the input files; {@code recipe} is how it was read and its
 * labels turned into targets, saved with the model.
 */
public record TrainingData(long trainSize, JavaRDD<PackedPartition> trainRdd, JavaRDD<PackedPartition> testRdd,
                           Standardizer standardizer, DataRecipe recipe) {
  /** The config's data; {@code fixed}: the standardisation to apply (a warm start's), null = fit it. */
  public static TrainingData load(RunConfig rc, SparkSession spark, Standardizer fixed) throws IOException {
    Network net = Network.build(rc.network());
    RunConfig.Data d = rc.data();
    LabelValues labels = d.autoLabels() ? DistributedData.distinctLabels(spark, d.train()) : d.labels();
    LabelRule rule = labelRule(net, labels);
    if (d.standardizeTarget() && rule.classes() > 0) {
      throw new Conf.ConfigError("data.standardize-target is for regression; loss " + net.spec().loss()
          + " predicts classes");
    }
    Shape shape = rc.network().input();
    TrainingData data = of(DistributedData.records(spark, d.train(), shape, rule),
        d.test() == null ? null : DistributedData.records(spark, d.test(), shape, rule), shape,
        rc.spark().partitions(), rc.train().seed(), d.limit(),
        fixed, d.standardize(), d.perChannel(), rc.spark().treeDepth(), d.standardizeTarget());
    DataSource t = d.train();
    return new TrainingData(data.trainSize(), data.trainRdd(), data.testRdd(), data.standardizer(),
        new DataRecipe(t.format(), t.header(), t.delimiter(), t.labelColumn(), t.featuresColumn(), labels,
            data.recipe().targetMean(), data.recipe().targetStd()));
  }

  /**
   * Any records (files, a DataFrame) in {@code partitions} balanced partitions, standardised and
   * cached. {@code fixed}: a fitted standardisation to apply as it is; null = fit one ({@code mode},
   * {@code perChannel}) on the training partitions.
   */
  public static TrainingData of(JavaPairRDD<RecordKey, Example> train, JavaPairRDD<RecordKey, Example> test,
                                Shape shape, int partitions, long seed, long limit, Standardizer fixed,
                                Standardizer.Mode mode, boolean perChannel, int treeDepth) {
    return of(train, test, shape, partitions, seed, limit, fixed, mode, perChannel, treeDepth, false);
  }

  /** As above; {@code standardizeTarget}: regression targets become (y − mean)/std of the training targets. */
  static TrainingData of(JavaPairRDD<RecordKey, Example> train, JavaPairRDD<RecordKey, Example> test,
                         Shape shape, int partitions, long seed, long limit, Standardizer fixed,
                         Standardizer.Mode mode, boolean perChannel, int treeDepth, boolean standardizeTarget) {
    JavaRDD<PackedPartition> packed = DistributedData.partitions(train, shape, partitions, seed, limit);
    Standardizer fitted = fixed != null ? fixed : DistributedStandardizer.fit(packed, mode, perChannel, treeDepth);
    float[] target = standardizeTarget ? DistributedStandardizer.fitTarget(packed, treeDepth) : new float[] {0f, 1f};
    JavaRDD<PackedPartition> trainRdd = DistributedData.cache(packed, fitted, target[0], target[1]);
    JavaRDD<PackedPartition> testRdd = test == null ? null
        : DistributedData.cache(DistributedData.partitions(test, shape, partitions, seed, 0), fitted, target[0], target[1]);
    long n = DistributedData.run(() -> trainRdd.map(p -> (long) p.size()).reduce(Long::sum));
    return new TrainingData(n, trainRdd, testRdd, fitted,
        new DataRecipe(null, false, ',', null, null, LabelValues.INDICES, target[0], target[1]));
  }

  /** Drops the cached partitions (training and test) from the executors' memory. */
  public void unpersist() {
    trainRdd.unpersist(false);
    if (testRdd != null) testRdd.unpersist(false);
  }

  /** Labels the network's loss accepts, as class indices; the data formats carry one label per example. */
  public static LabelRule labelRule(Network net) {
    return labelRule(net, LabelValues.INDICES);
  }

  /**
   * Labels the network's loss accepts, mapped by {@code labels} when given; a mapping whose size
   * does not fit the network's classes is refused with what to change.
   */
  public static LabelRule labelRule(Network net, LabelValues labels) {
    String loss = net.spec().loss();
    if (net.labelWidth() != 1) {
      throw new Conf.ConfigError("loss " + loss + " with " + net.outputSize()
          + " outputs needs " + net.labelWidth() + " labels per example; the data formats carry one"
          + (loss.equals("sigmoid_binary_cross_entropy") ? "; for two classes give the last layer 1 unit" : ""));
    }
    int classes = SavedModel.classesOf(net);
    if (labels.mapped()) {
      int n = labels.values().size();
      if (classes == 0) {
        throw new Conf.ConfigError("data.labels maps labels to classes, but loss " + loss
            + " is a regression loss; use softmax_cross_entropy (or sigmoid_binary_cross_entropy for 2 labels)");
      }
      if (n != classes) {
        throw new Conf.ConfigError("the data has " + n + " labels " + labels + " but the network predicts " + classes
            + " classes (loss " + loss + ", " + net.outputSize() + " outputs)"
            + (n == 2 && net.outputSize() == 1 ? "; for 2 labels with 1 output use loss = sigmoid_binary_cross_entropy"
            : "; give the last layer " + (n == 2 && loss.equals("sigmoid_binary_cross_entropy") ? 1 : n) + " units"));
      }
    } else if (classes == 1) {
      throw new Conf.ConfigError("loss softmax_cross_entropy with 1 output predicts a single class; for two classes"
          + " use loss = sigmoid_binary_cross_entropy with 1 output, or 2 outputs");
    }
    return new LabelRule(classes, true, labels);
  }
}
