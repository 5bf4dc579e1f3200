package dev.dptrain.driver.tuning;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.cli.TrainingData;
import dev.dptrain.model.Network;
import dev.dptrain.model.check.LayerHealth;
import dev.dptrain.model.check.SanityChecks;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.train.TrainSpec;
import dev.dptrain.worker.PackedPartition;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;

/**
 * Runs {@link SanityChecks} and {@link LayerHealth} in one Spark task, on the first examples of the
 * first training partition: the examples stay on the executor, only the results come back.
 */
public final class SparkChecks {
  private SparkChecks() {}

  /** {@code dptrain check} without the CLI: every check, on the run's data read as {@code train} reads it. */
  public static List<SanityChecks.Result> run(SparkSession spark, RunConfig rc, int overfitSteps) throws IOException {
    TrainingData data = TrainingData.load(rc, spark, null);
    try {
      return run(data.trainRdd(), rc.network(), rc.train(), List.of(SanityChecks.Check.values()), overfitSteps);
    } finally {
      data.unpersist();
    }
  }

  public static List<SanityChecks.Result> run(JavaRDD<PackedPartition> train, NetworkSpec net, TrainSpec spec,
                                              List<SanityChecks.Check> which, int overfitSteps) {
    List<SanityChecks.Check> checks = new ArrayList<>(which); // serialisable, whatever list the caller gave
    List<List<SanityChecks.Result>> r = train.filter(p -> p.index() == 0 && p.size() > 0)
        .map(p -> (List<SanityChecks.Result>) new ArrayList<>(SanityChecks.run(net, spec, p, checks, overfitSteps)))
        .collect();
    if (r.isEmpty()) throw new IllegalStateException("the first training partition is empty: nothing to check");
    return r.get(0);
  }

  /** {@link LayerHealth} of the network with these parameters on the first {@code examples} examples of partition 0. */
  public static List<LayerHealth> health(JavaRDD<PackedPartition> train, NetworkSpec net, float[] params, float[] state,
                                         long seed, int examples) {
    float[] p = params.clone(); // the closure ships a snapshot; training goes on with the live arrays
    float[] st = state.clone();
    List<List<LayerHealth>> r = train.filter(part -> part.index() == 0 && part.size() > 0)
        .map(part -> (List<LayerHealth>) new ArrayList<>(LayerHealth.measure(Network.build(net), p, st,
            SanityChecks.head(part, Math.min(part.size(), examples)), seed)))
        .collect();
    return r.isEmpty() ? List.of() : r.get(0);
  }
}
