package dev.dptrain.driver.cli;

import dev.dptrain.driver.RunConfig;
import dev.dptrain.driver.report.TuningPages;
import dev.dptrain.driver.tuning.RandomSearch;
import dev.dptrain.driver.tuning.SparkSearch;
import dev.dptrain.model.config.Conf;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * {@code dptrain search CONFIG}: {@link SparkSearch} with a line per trial started and finished
 * (each naming its trial: trials run at once interleave), {@code search.jsonl} (one line per
 * finished trial in trial order, rewritten atomically after each) and {@code search.html} in
 * {@code output.dir}.
 */
final class SearchCommand {
  private SearchCommand() {}

  static final Set<String> FLAGS = Set.of("--master");

  static int run(String config, CliArgs a, PrintStream out) throws IOException {
    Conf root = Main.readConfig(config);
    RunConfig rc = RunConfig.parse(SparkSearch.checked(root, config), config); // config errors before Spark starts
    String dir = rc.output().dir();
    try (SparkSession spark = Main.session(rc, a.get("--master", rc.spark().master()), "dptrain search " + rc.source())) {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      SparkSearch.Progress progress = new SparkSearch.Progress() {
        @Override
        public void plan(SparkSearch.Plan p) {
          int trials = p.search().grid() ? p.search().space().grid(p.search().gridPoints()).size() : p.search().trials();
          out.printf(Locale.ROOT, "dptrain search: %d trials, %d at once, %d partitions each (%d task slots)%n",
              trials, Math.min(p.parallel(), trials), p.partitions(), p.slots());
        }

        @Override
        public void started(int trial, String phase, Map<String, Object> values, int epochs) {
          out.printf(Locale.ROOT, "dptrain search: trial %d started (%s, %d epochs)%n", trial, phase, epochs);
        }

        @Override
        public void finished(RandomSearch.Trial trial, List<RandomSearch.Trial> done) {
          out.println("dptrain search: " + trial.describe());
          StringBuilder jsonl = new StringBuilder();
          for (RandomSearch.Trial t : done) jsonl.append(t.json()).append('\n');
          try {
            TuningCommands.write(dir, "search.jsonl", jsonl.toString(), hadoop);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
      SparkSearch.Result r = SparkSearch.run(spark, root, config, progress);
      out.println("dptrain search: best " + r.best().describe());
      for (String w : r.warnings()) out.println("dptrain search: warning: " + w);
      out.println("dptrain search: results in " + TuningCommands.write(dir, "search.html",
          TuningPages.search(r.trials(), r.plan().search().space(), config), hadoop));
      return 0;
    }
  }
}
