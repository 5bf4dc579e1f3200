package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.driver.data.DistributedData;
import dev.dptrain.driver.data.DistributedStandardizer;
import dev.dptrain.driver.io.ModelStore;
import dev.dptrain.model.Shape;
import dev.dptrain.model.config.Conf;
import dev.dptrain.model.config.NetworkConfigParser;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Dataset;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.model.io.SavedModel;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.model.train.TrainingLoop;
import dev.dptrain.model.train.TrainingState;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.LabelRule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real HDFS (MiniDFSCluster: a NameNode and a DataNode in this JVM, on 127.0.0.1) holding the
 * training data, the checkpoints and the model: a run that stops mid-training resumes from its
 * HDFS checkpoint to the same parameters as an uninterrupted run, and the model round-trips.
 */
class HdfsTrainingTest {
  private static final String CONFIG = """
      model { input = [8], loss = softmax_cross_entropy, layers = [
        { type = dense, units = 16 }, { type = batchnorm }, { type = relu }, { type = dense, units = 3 } ] }
      """;
  private static MiniDFSCluster hdfs;
  private static Path base;
  private static String root;

  @BeforeAll
  static void startHdfs() throws IOException {
    base = Files.createTempDirectory("dptrain-hdfs");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
    conf.set("dfs.datanode.hostname", "127.0.0.1");
    hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    hdfs.waitActive();
    root = hdfs.getFileSystem().getUri() + "/dptrain";
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) hdfs.shutdown(true);
  }

  private static String writeCsv(Dataset data, String dir) throws IOException {
    FileSystem fs = hdfs.getFileSystem();
    for (int part = 0; part < 2; part++) {
      StringBuilder sb = new StringBuilder("label,a,b,c,d,e,f,g,h\n");
      for (int i = part; i < data.size(); i += 2) {
        sb.append((int) data.labels()[i]);
        for (int j = 0; j < 8; j++) sb.append(',').append(data.features()[i * 8 + j]);
        sb.append('\n');
      }
      try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir + "/part-0000" + part + ".csv"))) {
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
      }
    }
    return dir;
  }

  @Test
  void dataCheckpointsAndModelOnHdfsWithAResume() throws IOException {
    SparkTestSupport.stop();
    String data = writeCsv(SparkTestSupport.blobs(400, 8, 3, 31), root + "/data");
    NetworkSpec net = NetworkConfigParser.parse(Conf.parseString(CONFIG, "test").object("model"));
    TrainSpec ts = TrainSpec.sgdMomentum(0.05).withBatch(50).withEpochs(3);
    DataSource src = new DataSource("csv", data, null, "label", null, true, ',');
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.baseConf("dptrain-hdfs-test")
        .setMaster("local[2]").set("spark.ui.enabled", "false")).getOrCreate()) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      Shape shape = net.input();
      JavaRDD<PackedPartition> packed = DistributedData.partitions(
          DistributedData.records(spark, src, shape, LabelRule.classes(3)), shape, 2, ts.seed(), 0);
      Standardizer st = DistributedStandardizer.fit(packed, Standardizer.Mode.STANDARDIZE, true, 1);
      JavaRDD<PackedPartition> train = DistributedData.cache(packed, st);
      assertEquals(400, train.map(p -> (long) p.size()).reduce(Long::sum));

      TrainingState full = new SparkTrainer(sc, net, ts, SparkTrainer.Options.defaults())
          .fit(train, null, new TrainingLoop.Listener() {});
      String ckpt = root + "/run/checkpoints";
      SparkTrainer.Options withCkpt = SparkTrainer.Options.builder().optCheckpoints(ckpt, 5).build();
      TrainingState stopped = new SparkTrainer(sc, net, ts, withCkpt).fit(train, null, new TrainingLoop.Listener() {
        @Override
        public boolean stopRequested(TrainingState s) {
          return s.step == 12; // the newest checkpoint is step 10
        }
      });
      assertEquals(12, stopped.step);
      assertTrue(hdfs.getFileSystem().listStatus(new org.apache.hadoop.fs.Path(ckpt)).length > 0, "no checkpoint on HDFS");
      TrainingState resumed = new SparkTrainer(sc, net, ts, withCkpt).fit(train, null, new TrainingLoop.Listener() {});
      assertEquals(full.step, resumed.step);
      assertArrayEquals(full.params, resumed.params, "resumed from an HDFS checkpoint: parameters differ");
      assertArrayEquals(full.normState, resumed.normState);

      SavedModel model = new SavedModel(CONFIG, resumed.params, resumed.normState, st, 3,
          new SavedModel.Provenance("test", ts.seed(), ts.epochs(), resumed.step, java.util.Map.of()));
      String dir = root + "/run/model";
      ModelStore.save(model, dir, sc.hadoopConfiguration());
      SavedModel back = ModelStore.load(dir, sc.hadoopConfiguration());
      assertArrayEquals(resumed.params, back.params());
      assertArrayEquals(st.mean(), back.standardizer().mean());
      train.unpersist(false);
    }
  }
}
