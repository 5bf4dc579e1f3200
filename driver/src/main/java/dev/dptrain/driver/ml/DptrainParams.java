package dev.dptrain.driver.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.dptrain.driver.RunConfig;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.config.TrainConfigParser;
import dev.dptrain.model.train.EarlyStopping;
import dev.dptrain.model.train.TrainSpec;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of the dptrain estimators and models, named after the config keys they stand for
 * (docs/config.md) and defaulting to the same values: the training defaults from
 * {@link TrainSpec#defaults()}, the Spark and output ones from an empty {@code spark} and
 * {@code output} block ({@link RunConfig}). The network is the config's {@code model} block as
 * HOCON text. Java has no traits: each param is a default method returning a fresh {@link Param}
 * (Spark compares params by owner and name), and each class calls {@link #setDptrainDefaults}.
 *
 * @param <T> the implementing class, returned by the setters
 */
public interface DptrainParams<T extends DptrainParams<T>> extends Params {
  default Param<String> model() {
    return new Param<>(this, "model", "the network: the config's model block as HOCON, `model { input = [784], layers"
        + " = [...], loss = ... }` or just its body (docs/config.md)");
  }

  default Param<String> trainConfig() {
    return new Param<>(this, "trainConfig", "more of the config's train block as HOCON (schedule, augment, momentum,"
        + " clip-norm, l1, ...); the params set here win over it");
  }

  default Param<String> optimizer() {
    return new Param<>(this, "optimizer", "train.optimizer.type: sgd, momentum, nesterov, adam or adamw");
  }

  default DoubleParam lr() {
    return new DoubleParam(this, "lr", "train.optimizer.lr (default " + TrainSpec.DEFAULT_SGD_LR
        + " for the sgd family, " + TrainSpec.DEFAULT_ADAM_LR + " for adam/adamw)");
  }

  default IntParam epochs() {
    return new IntParam(this, "epochs", "train.epochs: passes over the data");
  }

  default IntParam batchSize() {
    return new IntParam(this, "batchSize", "train.batch-size: global mini-batch size across all partitions");
  }

  default DoubleParam weightDecay() {
    return new DoubleParam(this, "weightDecay", "train.weight-decay: L2 coefficient (decoupled for adamw)");
  }

  default LongParam seed() {
    return new LongParam(this, "seed", "train.seed: initialisation, batch order and partitioning");
  }

  default Param<String> initialModel() {
    return new Param<>(this, "initialModel", "train.init-from: a saved dptrain model (directory or file) to start"
        + " from, with its parameters, BN statistics and standardisation; \"\" = fresh start");
  }

  default Param<String> earlyStoppingMetric() {
    return new Param<>(this, "earlyStoppingMetric", "train.early-stopping.metric: off (no early stopping, the default),"
        + " validation-loss or validation-accuracy, measured on the rows validationIndicatorCol marks");
  }

  default IntParam earlyStoppingPatience() {
    return new IntParam(this, "earlyStoppingPatience", "train.early-stopping.patience: epochs without improvement"
        + " before stopping");
  }

  default DoubleParam earlyStoppingMinDelta() {
    return new DoubleParam(this, "earlyStoppingMinDelta", "train.early-stopping.min-delta: smallest improvement that"
        + " counts, in the metric's units");
  }

  default Param<String> validationIndicatorCol() {
    return new Param<>(this, "validationIndicatorCol", "a boolean column: true marks a validation row (not trained on;"
        + " validated after every epoch, as data.test for the CLI); \"\" = none");
  }

  default IntParam partitions() {
    return new IntParam(this, "partitions", "spark.partitions: balanced partitions the rows are packed into");
  }

  default IntParam treeDepth() {
    return new IntParam(this, "treeDepth", "spark.tree-depth: how partition results are combined (1 = on the driver)");
  }

  default Param<String> transport() {
    return new Param<>(this, "transport", "spark.transport: auto, channel, channel-tcp or broadcast");
  }

  default IntParam preciseBnBatches() {
    return new IntParam(this, "preciseBnBatches", "spark.precise-bn-batches: recompute BN statistics over this many"
        + " batches after training (0 = keep the running averages)");
  }

  default Param<String> standardize() {
    return new Param<>(this, "standardize", "data.standardize: none, center or standardize, fitted on the training rows");
  }

  default BooleanParam perChannel() {
    return new BooleanParam(this, "perChannel", "data.per-channel: one mean/std per image channel instead of one");
  }

  default Param<String> checkpointDir() {
    return new Param<>(this, "checkpointDir", "where checkpoints go (any Hadoop path); \"\" = none. A fit with a"
        + " checkpoint there resumes from it");
  }

  default LongParam checkpointEvery() {
    return new LongParam(this, "checkpointEvery", "output.checkpoint-every: steps between checkpoints (0 = at"
        + " epoch ends only)");
  }

  default Param<String> metricsDir() {
    return new Param<>(this, "metricsDir", "where metrics.jsonl goes (as output.dir for the CLI); \"\" = none");
  }

  default Param<String> progress() {
    return new Param<>(this, "progress", "output.progress: auto, bar, lines or off");
  }

  /** Every param's default; called by each implementing class's constructor. */
  default void setDptrainDefaults() {
    TrainSpec t = TrainSpec.defaults();
    RunConfig.Spark s = RunConfig.parseSpark(Conf.parseString("", "defaults"));
    RunConfig.Output o = RunConfig.parseOutput(Conf.parseString("", "defaults"));
    setDefault(trainConfig(), "");
    setDefault(optimizer(), "sgd");
    setDefault(epochs(), t.epochs());
    setDefault(batchSize(), t.batchSize());
    setDefault(weightDecay(), t.weightDecay());
    setDefault(seed(), t.seed());
    setDefault(initialModel(), "");
    setDefault(earlyStoppingMetric(), "off");
    setDefault(earlyStoppingPatience(), EarlyStopping.DEFAULT_PATIENCE);
    setDefault(earlyStoppingMinDelta(), EarlyStopping.DEFAULT_MIN_DELTA);
    setDefault(validationIndicatorCol(), "");
    setDefault(partitions(), s.partitions());
    setDefault(treeDepth(), s.treeDepth());
    setDefault(transport(), s.transport());
    setDefault(preciseBnBatches(), s.preciseBnBatches());
    setDefault(standardize(), RunConfig.DEFAULT_STANDARDIZE);
    setDefault(perChannel(), false);
    setDefault(checkpointDir(), "");
    setDefault(checkpointEvery(), o.checkpointEvery());
    setDefault(metricsDir(), "");
    setDefault(progress(), o.progress());
  }

  // ---- getters ----

  default String getModel() {
    return (String) getOrDefault(model());
  }

  default int getEpochs() {
    return (Integer) getOrDefault(epochs());
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  default double getLr() {
    return (Double) getOrDefault(lr());
  }

  default double getWeightDecay() {
    return (Double) getOrDefault(weightDecay());
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default String getInitialModel() {
    return (String) getOrDefault(initialModel());
  }

  default String getEarlyStoppingMetric() {
    return (String) getOrDefault(earlyStoppingMetric());
  }

  default int getEarlyStoppingPatience() {
    return (Integer) getOrDefault(earlyStoppingPatience());
  }

  default double getEarlyStoppingMinDelta() {
    return (Double) getOrDefault(earlyStoppingMinDelta());
  }

  default String getValidationIndicatorCol() {
    return (String) getOrDefault(validationIndicatorCol());
  }

  default int getPartitions() {
    return (Integer) getOrDefault(partitions());
  }

  default int getTreeDepth() {
    return (Integer) getOrDefault(treeDepth());
  }

  default String getTransport() {
    return (String) getOrDefault(transport());
  }

  default int getPreciseBnBatches() {
    return (Integer) getOrDefault(preciseBnBatches());
  }

  default String getStandardize() {
    return (String) getOrDefault(standardize());
  }

  default boolean getPerChannel() {
    return (Boolean) getOrDefault(perChannel());
  }

  default String getCheckpointDir() {
    return (String) getOrDefault(checkpointDir());
  }

  default long getCheckpointEvery() {
    return (Long) getOrDefault(checkpointEvery());
  }

  default String getMetricsDir() {
    return (String) getOrDefault(metricsDir());
  }

  default String getProgress() {
    return (String) getOrDefault(progress());
  }

  // ---- setters ----

  @SuppressWarnings("unchecked")
  private T put(Param<?> p, Object v) {
    set(p.name(), v);
    return (T) this;
  }

  default T setModel(String hocon) {
    return put(model(), hocon);
  }

  default T setTrainConfig(String hocon) {
    return put(trainConfig(), hocon);
  }

  default T setOptimizer(String type) {
    return put(optimizer(), type);
  }

  default T setLr(double lr) {
    return put(lr(), lr);
  }

  default T setEpochs(int epochs) {
    return put(epochs(), epochs);
  }

  default T setBatchSize(int size) {
    return put(batchSize(), size);
  }

  default T setWeightDecay(double wd) {
    return put(weightDecay(), wd);
  }

  default T setSeed(long seed) {
    return put(seed(), seed);
  }

  default T setInitialModel(String path) {
    return put(initialModel(), path);
  }

  default T setEarlyStoppingMetric(String metric) {
    return put(earlyStoppingMetric(), metric);
  }

  default T setEarlyStoppingPatience(int epochs) {
    return put(earlyStoppingPatience(), epochs);
  }

  default T setEarlyStoppingMinDelta(double delta) {
    return put(earlyStoppingMinDelta(), delta);
  }

  default T setValidationIndicatorCol(String column) {
    return put(validationIndicatorCol(), column);
  }

  default T setPartitions(int partitions) {
    return put(partitions(), partitions);
  }

  default T setTreeDepth(int depth) {
    return put(treeDepth(), depth);
  }

  default T setTransport(String transport) {
    return put(transport(), transport);
  }

  default T setPreciseBnBatches(int batches) {
    return put(preciseBnBatches(), batches);
  }

  default T setStandardize(String mode) {
    return put(standardize(), mode);
  }

  default T setPerChannel(boolean perChannel) {
    return put(perChannel(), perChannel);
  }

  default T setCheckpointDir(String dir) {
    return put(checkpointDir(), dir);
  }

  default T setCheckpointEvery(long steps) {
    return put(checkpointEvery(), steps);
  }

  default T setMetricsDir(String dir) {
    return put(metricsDir(), dir);
  }

  default T setProgress(String mode) {
    return put(progress(), mode);
  }

  // ---- the config these params stand for ----

  /** The {@code model} block as stored in the model file: {@code {"model":{...}}}. */
  default String modelConfig() {
    if (!isDefined(model())) throw new IllegalArgumentException("param model is not set: give the network as a HOCON"
        + " model block (setModel)");
    Config c = Conf.parseString(getModel(), "param model").raw();
    if (!(c.root().size() == 1 && c.hasPath("model"))) c = c.atKey("model");
    return c.withOnlyPath("model").root().render(ConfigRenderOptions.concise());
  }

  default NetworkSpec networkSpec() {
    return NetworkConfigParser.parse(Conf.parseString(modelConfig(), "param model").object("model"));
  }

  /** The {@code train} block: {@link #trainConfig}, overridden by every param that is set. */
  default Config trainBlock() {
    Config c = Conf.parseString(getOrDefault(trainConfig()), "param trainConfig").raw();
    if (isSet(optimizer())) c = c.withValue("optimizer.type", ConfigValueFactory.fromAnyRef(getOrDefault(optimizer())));
    if (isSet(lr())) c = c.withValue("optimizer.lr", ConfigValueFactory.fromAnyRef(getLr()));
    if (isSet(epochs())) c = c.withValue("epochs", ConfigValueFactory.fromAnyRef(getEpochs()));
    if (isSet(batchSize())) c = c.withValue("batch-size", ConfigValueFactory.fromAnyRef(getBatchSize()));
    if (isSet(weightDecay())) c = c.withValue("weight-decay", ConfigValueFactory.fromAnyRef(getWeightDecay()));
    if (isSet(seed())) c = c.withValue("seed", ConfigValueFactory.fromAnyRef(getSeed()));
    if (isSet(earlyStoppingMetric())) {
      String metric = getEarlyStoppingMetric();
      c = metric.equals("off") ? c.withoutPath("early-stopping")
          : c.withValue("early-stopping.metric", ConfigValueFactory.fromAnyRef(metric));
    }
    for (Param<?> p : java.util.List.of(earlyStoppingPatience(), earlyStoppingMinDelta())) {
      if (!isSet(p)) continue;
      if (!c.hasPath("early-stopping")) {
        throw new IllegalArgumentException("param " + p.name() + " is set but early stopping is off: set"
            + " earlyStoppingMetric to validation-loss or validation-accuracy");
      }
      String key = p.name().equals("earlyStoppingPatience") ? "patience" : "min-delta";
      c = c.withValue("early-stopping." + key, ConfigValueFactory.fromAnyRef(getOrDefault(p)));
    }
    return c;
  }

  default TrainSpec trainSpec(NetworkSpec net) {
    return TrainConfigParser.parse(new Conf(trainBlock(), "train"), net.input());
  }

  /** The run as a config (model and train blocks), recorded in the saved model. */
  default String configText() {
    Config all = ConfigFactory.parseString(modelConfig()).withValue("train", trainBlock().root());
    return all.root().render(ConfigRenderOptions.concise().setFormatted(true));
  }
}
