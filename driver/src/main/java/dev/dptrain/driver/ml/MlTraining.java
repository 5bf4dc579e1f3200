package dev.dptrain.driver.ml;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.SparkSessions;
import dev.dptrain.driver.SparkTrainer;
import dev.dptrain.driver.cli.FinalMetrics;
import dev.dptrain.driver.cli.TrainingData;
import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.driver.metrics.MetricsLog;
import dev.dptrain.driver.progress.ConsoleProgress;
import dev.dptrain.driver.steps.StepTransport;
import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.DptrainVersion;
import dev.dptrain.model.io.RunProvenance;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.io.WarmStart;
import dev.dptrain.model.train.BatchPlan;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code fit} of the estimators: the DataFrame's rows read on the executors
 * ({@link DistributedData#records(Dataset, String, String, dev.dptrain.model.Shape,
 * dev.dptrain.worker.data.LabelRule)}), packed and standardised as for {@code dptrain train}
 * ({@link TrainingData#of}), trained by {@link SparkTrainer} with the CLI's progress and metrics
 * listeners, validated after every epoch on the rows {@code validationIndicatorCol} marks (which
 * early stopping watches), and returned as the model file's contents.
 */
final class MlTraining {
  private MlTraining() {}

  static SavedModel fit(DptrainParams<?> p, Dataset<?> rows, String featuresCol, String labelCol, boolean classifier) {
    SparkSession spark = rows.sparkSession();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration hadoop = sc.hadoopConfiguration();
    NetworkSpec net = p.networkSpec();
    Network network = Network.build(net);
    int classes = SavedModel.classesOf(network);
    if (classifier != (classes > 0)) {
      throw new IllegalArgumentException((classifier ? "DptrainClassifier needs a classification loss"
          + " (softmax_cross_entropy, or sigmoid_binary_cross_entropy with one output); use DptrainRegressor for"
          : "DptrainRegressor needs a regression loss; use DptrainClassifier for") + " loss " + net.loss());
    }
    if (!classifier && network.outputSize() != 1) {
      throw new IllegalArgumentException("DptrainRegressor predicts one value per row; the network has "
          + network.outputSize() + " outputs");
    }
    TrainSpec spec = p.trainSpec(net);
    SavedModel init = load(p.getInitialModel(), hadoop);
    if (init != null) WarmStart.check(net, init, p.getInitialModel());

    String validationCol = p.getValidationIndicatorCol();
    if (spec.earlyStopping() != null && validationCol.isEmpty()) {
      throw new IllegalArgumentException("early stopping watches the validation metrics: set validationIndicatorCol to a"
          + " boolean column that marks the validation rows");
    }
    Dataset<Row> all = rows.toDF();
    Dataset<Row> trainRows = validationCol.isEmpty() ? all : all.filter(functions.not(functions.col(validationCol)));
    Dataset<Row> validationRows = validationCol.isEmpty() ? null : all.filter(functions.col(validationCol));
    TrainingData data = TrainingData.of(
        DistributedData.records(trainRows, featuresCol, labelCol, net.input(), TrainingData.labelRule(network)),
        validationRows == null ? null
            : DistributedData.records(validationRows, featuresCol, labelCol, net.input(), TrainingData.labelRule(network)),
        net.input(), p.getPartitions(), spec.seed(), 0, init == null ? null : init.standardizer(),
        Standardizer.Mode.parse(p.getStandardize()), p.getPerChannel(), p.getTreeDepth());
    try {
      SparkTrainer.Options opts = SparkTrainer.Options.builder()
          .optTreeDepth(p.getTreeDepth())
          .optCheckpoints(p.getCheckpointDir().isEmpty() ? null : p.getCheckpointDir(), p.getCheckpointEvery())
          .optPreciseBn(p.getPreciseBnBatches())
          .optTransport(StepTransport.Kind.parse(p.getTransport()))
          .build();
      SparkTrainer trainer = new SparkTrainer(sc, net, spec, opts);
      if (init != null) trainer.startFrom(init.params(), init.state());
      long perEpoch = new BatchPlan(BatchPlan.evenSplit(data.trainSize(), p.getPartitions()), spec.batchSize(),
          spec.seed()).stepsPerEpoch();
      int logEvery = RunConfig.parseOutput(Conf.parseString("", "defaults")).logEvery();
      ConsoleProgress progress = new ConsoleProgress(System.out,
          ConsoleProgress.Mode.parse(p.getProgress()).resolveForStdout(), logEvery, perEpoch, spec.epochs(), System::nanoTime);
      TrainingState state;
      if (p.getMetricsDir().isEmpty()) {
        state = trainer.fit(data.trainRdd(), data.testRdd(), progress);
      } else {
        try (MetricsLog metrics = new MetricsLog(MetricsLog.open(p.getMetricsDir(), hadoop), network,
            new MetricsLog.RunInfo(p.configText(), perEpoch, spec.epochs(), spec.batchSize()), logEvery, System::nanoTime)) {
          state = trainer.fit(data.trainRdd(), data.testRdd(), TrainingLoop.Listener.all(progress, metrics));
        }
      }
      FinalMetrics metrics = FinalMetrics.of(trainer, state, data, spec.earlyStopping());
      return new SavedModel(p.modelConfig(), state.params, state.normState, data.standardizer(), classes,
          new SavedModel.Provenance(DptrainVersion.get(), spec.seed(), spec.epochs(), state.step, metrics.values(),
              RunProvenance.now(p.configText(), SparkSessions.sparkVersion(), new RunProvenance.DataOrigin(
                  "dataframe", List.of(), List.of(), data.trainSize(), metrics.testExamples()))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      data.unpersist();
    }
  }

  private static SavedModel load(String path, Configuration hadoop) {
    if (path.isEmpty()) return null;
    try {
      return ModelStore.load(path, hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
