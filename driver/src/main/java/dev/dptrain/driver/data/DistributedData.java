package dev.dptrain.driver.data;

import dev.dptrain.model.Shape;
import dev.dptrain.model.data.LabelValues;
import dev.dptrain.model.data.Standardizer;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.data.DataFormatException;
import dev.dptrain.worker.data.DataSource;
import dev.dptrain.worker.data.Example;
import dev.dptrain.worker.data.HadoopConf;
import dev.dptrain.worker.data.IdxRecords;
import dev.dptrain.worker.data.LabelRule;
import dev.dptrain.worker.data.RecordKey;
import dev.dptrain.worker.data.RecordPartitioner;
import dev.dptrain.worker.data.RowRecords;
import dev.dptrain.worker.data.TextRecords;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * The data path: the driver plans (lists files, reads nothing), the executors read, check, balance
 * and pack. No example passes through the driver.
 *
 * <pre>
 *   records()     every record of the input, read in the tasks, keyed by its identity (file, position)
 *   partitions()  shuffled to P partitions by a seeded hash of the key, sorted by key, packed
 *   cache()       standardised and cached; a lost block is rebuilt from its input (lineage)
 * </pre>
 *
 * The same input and seed give the same partitions, in the same order, on any master. Data
 * errors raised in a task come back as the task's own {@link DataFormatException} (see
 * {@link #run}), naming the file and the record.
 */
public final class DistributedData {
  /** Target bytes of input per IDX read task. */
  private static final long IDX_SPLIT_BYTES = 32L << 20;

  private DistributedData() {}

  /** Every record of {@code src}, read and checked in the tasks, keyed by its identity. */
  public static JavaPairRDD<RecordKey, Example> records(SparkSession spark, DataSource src, Shape shape, LabelRule rule)
      throws IOException {
    return records(spark, src, shape, rule, List.of());
  }

  /**
   * As {@link #records(SparkSession, DataSource, Shape, LabelRule)}, each example carrying the text
   * of the {@code keep} columns (prediction input: CSV names or 0-based indices, Parquet names,
   * LibSVM {@code label}).
   */
  public static JavaPairRDD<RecordKey, Example> records(SparkSession spark, DataSource src, Shape shape, LabelRule rule,
                                                        List<String> keep) throws IOException {
    if (!keep.isEmpty() && src.format().equals("idx")) {
      throw new DataFormatException(src.path() + ": IDX has no columns to keep");
    }
    return switch (src.format()) {
      case "idx" -> idx(spark, src, shape, rule);
      case "libsvm", "csv" -> text(spark, src, shape, rule, keep);
      case "parquet" -> parquet(spark, src, shape, rule, keep);
      default -> throw new IllegalArgumentException("unknown data format '" + src.format()
          + "'; expected idx, libsvm, csv or parquet");
    };
  }

  /**
   * The rows of a DataFrame a caller already has: {@code featuresCol} (array or ML Vector) and,
   * when the rule requires labels, {@code labelCol}. A row's identity is its (partition, position)
   * in the DataFrame, deterministic for the same DataFrame and plan.
   */
  public static JavaPairRDD<RecordKey, Example> records(org.apache.spark.sql.Dataset<Row> df, String featuresCol,
                                                        String labelCol, Shape shape, LabelRule rule) {
    checkColumns(df, featuresCol, labelCol, rule, "the DataFrame");
    RowRecords conv = new RowRecords(shape.size(), rule, featuresCol, labelCol);
    org.apache.spark.sql.Dataset<Row> sel = rule.required() ? df.select(featuresCol, labelCol) : df.select(featuresCol);
    return sel.javaRDD().mapPartitionsWithIndex((p, rows) -> new java.util.Iterator<Tuple2<RecordKey, Example>>() {
      long i = 0;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Tuple2<RecordKey, Example> next() {
        long at = i++;
        return new Tuple2<>(new RecordKey(p, at), conv.example(rows.next(), 0, "DataFrame partition " + p + ": row " + at));
      }
    }, true).mapToPair(t -> t);
  }

  /**
   * P balanced partitions: each record goes to the partition drawn from (seed, key), partitions
   * are sorted by key and packed; partition p keeps at most its share of {@code limit} examples
   * ({@code limit <= 0}: all). Not cached: see {@link #cache}.
   */
  public static JavaRDD<PackedPartition> partitions(JavaPairRDD<RecordKey, Example> records, Shape shape,
                                                    int partitions, long seed, long limit) {
    return records.repartitionAndSortWithinPartitions(new RecordPartitioner(partitions, seed))
        .mapPartitionsWithIndex((p, it) -> {
          long keep = limit <= 0 ? -1 : Math.floorDiv(limit * (p + 1), partitions) - Math.floorDiv(limit * p, partitions);
          return List.of(PackedPartition.pack(p, shape, new ValueIterator(it), keep)).iterator();
        }, true);
  }

  /**
   * Standardised (in place: each packed partition is built fresh from the shuffle output, so no
   * second copy) and cached in memory and on disk. Materialised here, so that data errors surface
   * before training. A block lost with its executor is rebuilt from the input files.
   */
  public static JavaRDD<PackedPartition> cache(JavaRDD<PackedPartition> packed, Standardizer st) {
    return cache(packed, st, 0f, 1f);
  }

  /** As {@link #cache(JavaRDD, Standardizer)}, with regression targets standardised as (y − mean) / std. */
  public static JavaRDD<PackedPartition> cache(JavaRDD<PackedPartition> packed, Standardizer st, float targetMean,
                                               float targetStd) {
    JavaRDD<PackedPartition> in = st.mode() == Standardizer.Mode.NONE ? packed
        : packed.map(p -> DistributedStandardizer.applyInPlace(p, st));
    if (targetMean != 0f || targetStd != 1f) in = in.map(p -> p.standardizeTargets(targetMean, targetStd));
    JavaRDD<PackedPartition> out = in.persist(StorageLevel.MEMORY_AND_DISK());
    run(out::count);
    return out;
  }

  /** Where a cached data set lives: "N MB in memory, M MB on disk (B bytes per example)". */
  public static String storage(JavaRDD<?> cached, long examples) {
    long mem = 0;
    long disk = 0;
    for (var info : cached.context().getRDDStorageInfo()) {
      if (info.id() == cached.id()) {
        mem += info.memSize();
        disk += info.diskSize();
      }
    }
    return String.format(java.util.Locale.ROOT, "%.1f MB in executor memory, %.1f MB on executor disk (%d bytes per example)",
        mem / 1e6, disk / 1e6, examples == 0 ? 0 : (mem + disk) / examples);
  }

  /**
   * Runs a Spark action; when a task failed on bad data, rethrows that task's error (a
   * {@link DataFormatException} naming file and record, or a missing file) instead of Spark's
   * "Job aborted due to stage failure" wrapper.
   */
  public static <T> T run(Supplier<T> action) {
    try {
      return action.get();
    } catch (Exception e) { // SparkException is checked but thrown from Scala without a declaration
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof DataFormatException d) throw new DataFormatException(d.getMessage());
        if (t instanceof FileNotFoundException f) throw new UncheckedIOException(new FileNotFoundException(f.getMessage()));
      }
      throw DistributedData.<RuntimeException>sneaky(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneaky(Exception e) throws E {
    throw (E) e;
  }

  // ---------------------------------------------------------------------------------------------
  // Formats

  private static JavaPairRDD<RecordKey, Example> idx(SparkSession spark, DataSource src, Shape shape, LabelRule rule)
      throws IOException {
    if (src.labels() == null && rule.required()) {
      throw new DataFormatException(src.path() + ": IDX images need a labels file here");
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    InputFiles.list(src.path(), conf.get());
    if (src.labels() != null) InputFiles.list(src.labels(), conf.get());
    // The headers are read by a task, like every other byte of the input.
    List<String> paths = src.labels() == null ? List.of(src.path()) : List.of(src.path(), src.labels());
    List<IdxRecords.Header> headers = run(() -> sc.parallelize(paths, paths.size())
        .map(p -> IdxRecords.header(p, p.equals(paths.get(0)), conf.get())).collect());
    IdxRecords.Header images = headers.get(0);
    IdxRecords.Header labels = headers.size() > 1 ? headers.get(1) : null;
    if (labels != null && labels.count() != images.count()) {
      throw new DataFormatException(images.path() + " holds " + images.count() + " images but " + labels.path()
          + " holds " + labels.count() + " labels");
    }
    if (images.recordBytes() != shape.size()) {
      throw new DataFormatException(src.path() + ": images of " + images.dims()[1] + "x" + images.dims()[2] + " = "
          + images.recordBytes() + " features, but the model input " + shape + " needs " + shape.size());
    }
    long n = images.count();
    int splits = images.gzip() ? 1 : (int) Math.max(1, Math.min(n,
        Math.max(sc.defaultParallelism(), images.fileBytes() / IDX_SPLIT_BYTES)));
    List<long[]> ranges = new ArrayList<>();
    for (int s = 0; s < splits; s++) ranges.add(new long[] {n * s / splits, n * (s + 1) / splits});
    return sc.parallelize(ranges, splits)
        .flatMapToPair(r -> IdxRecords.read(images, labels, r[0], r[1], rule, conf.get()));
  }

  private static JavaPairRDD<RecordKey, Example> text(SparkSession spark, DataSource src, Shape shape, LabelRule rule,
                                                     List<String> keep) throws IOException {
    TextRecords reader = new TextRecords(src, shape.size(), rule, keep);
    return textSplits(spark, src, (conf, fileIndex) -> (split, it) -> {
      FileSplit fs = (FileSplit) split;
      return reader.read(fs.getPath(), fileIndex.apply(fs), fs.getStart(), it, conf.get());
    }).mapToPair(t -> t);
  }

  /** Reads every split of a text input in the tasks with the given per-split reader. */
  private static <T> JavaRDD<T> textSplits(SparkSession spark, DataSource src, SplitReaders<T> readers)
      throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    HadoopConf conf = new HadoopConf(sc.hadoopConfiguration());
    List<FileStatus> files = InputFiles.list(src.path(), conf.get());
    StringBuilder joined = new StringBuilder();
    for (FileStatus f : files) joined.append(joined.length() > 0 ? "," : "").append(f.getPath());
    Broadcast<Map<String, Integer>> fileIndex = sc.broadcast(InputFiles.indexByKey(files));
    JavaPairRDD<LongWritable, Text> lines = sc.newAPIHadoopFile(joined.toString(), TextInputFormat.class,
        LongWritable.class, Text.class, conf.get());
    return ((JavaNewHadoopRDD<LongWritable, Text>) lines).mapPartitionsWithInputSplit(readers.of(conf, fs -> {
      Integer f = fileIndex.value().get(InputFiles.key(fs.getPath()));
      if (f == null) throw new IllegalStateException(fs.getPath() + " is not in the input's file list");
      return f;
    }), true);
  }

  /** A task-side reader of one text split, given the Hadoop conf and the split's file index. */
  private interface SplitReaders<T> extends Serializable {
    org.apache.spark.api.java.function.Function2<org.apache.hadoop.mapreduce.InputSplit,
        java.util.Iterator<Tuple2<LongWritable, Text>>, java.util.Iterator<T>> of(
        HadoopConf conf, SerializableFunction<FileSplit, Integer> fileIndex);
  }

  private interface SerializableFunction<A, B> extends Serializable {
    B apply(A a);
  }

  /** Most distinct labels {@link #distinctLabels} accepts: more looks like a regression target. */
  public static final int MAX_LABELS = 1000;

  /**
   * The distinct labels of {@code src} as written in the file ({@code data.labels = auto}), found
   * by the executors; only the distinct values reach the driver.
   */
  public static LabelValues distinctLabels(SparkSession spark, DataSource src) throws IOException {
    List<String> found;
    switch (src.format()) {
      case "libsvm", "csv" -> {
        TextRecords reader = new TextRecords(src, 0, LabelRule.IGNORED);
        found = run(() -> {
          try {
            return textSplits(spark, src, (conf, fileIndex) -> (split, it) ->
                reader.labels(((FileSplit) split).getPath(), ((FileSplit) split).getStart(), it, conf.get()))
                .map(LabelValues::canonical).distinct().take(MAX_LABELS + 1);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
      }
      case "parquet" -> {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String[] paths = InputFiles.list(src.path(), sc.hadoopConfiguration()).stream()
            .map(f -> f.getPath().toString()).toArray(String[]::new);
        org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(paths);
        if (!Arrays.asList(df.columns()).contains(src.labelColumn())) {
          throw new DataFormatException(src.path() + ": no label column '" + src.labelColumn() + "'; columns are "
              + Arrays.asList(df.columns()));
        }
        found = run(() -> df.select(src.labelColumn()).distinct().javaRDD()
            .map(r -> {
              if (r.isNullAt(0)) throw new DataFormatException(src.path() + ": a label is null");
              return LabelValues.canonicalValue(r.get(0));
            }).distinct().take(MAX_LABELS + 1));
      }
      default -> throw new DataFormatException(src.path() + ": data.labels = auto reads csv, libsvm or parquet labels, not "
          + src.format());
    }
    if (found.size() > MAX_LABELS) {
      throw new DataFormatException(src.path() + ": data.labels = auto found more than " + MAX_LABELS
          + " distinct labels; a regression target needs no data.labels");
    }
    if (found.size() < 2) {
      throw new DataFormatException(src.path() + ": data.labels = auto found " + found.size()
          + " distinct label(s) " + found + "; a classifier needs at least 2");
    }
    return LabelValues.sorted(found);
  }

  private static JavaPairRDD<RecordKey, Example> parquet(SparkSession spark, DataSource src, Shape shape, LabelRule rule,
                                                        List<String> keep) throws IOException {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<FileStatus> files = InputFiles.list(src.path(), sc.hadoopConfiguration());
    String[] paths = files.stream().map(f -> f.getPath().toString()).toArray(String[]::new);
    // Spark reads the schema from a file footer (metadata); the rows are read by the tasks.
    org.apache.spark.sql.Dataset<Row> df = spark.read().parquet(paths);
    checkColumns(df, src.featuresColumn(), src.labelColumn(), rule, src.path());
    List<Column> cols = new ArrayList<>(Arrays.asList(functions.col("_metadata.file_path"),
        functions.col("_metadata.row_index"), functions.col(src.featuresColumn())));
    if (rule.required()) cols.add(functions.col(src.labelColumn()));
    for (String k : keep) {
      if (!Arrays.asList(df.columns()).contains(k)) {
        throw new DataFormatException(src.path() + ": no column '" + k + "' to keep; columns are " + Arrays.asList(df.columns()));
      }
      cols.add(functions.col(k));
    }
    Broadcast<Map<String, Integer>> fileIndex = sc.broadcast(InputFiles.indexByKey(files));
    RowRecords conv = new RowRecords(shape.size(), rule, src.featuresColumn(), src.labelColumn(), keep.size());
    return df.select(cols.toArray(new Column[0])).javaRDD().mapToPair(r -> {
      String file = r.getString(0);
      long row = r.getLong(1);
      Integer f = fileIndex.value().get(InputFiles.keyOfUri(file));
      if (f == null) throw new IllegalStateException(file + " is not in the input's file list");
      return new Tuple2<>(new RecordKey(f, row), conv.example(r, 2, file + ": row " + row));
    });
  }

  private static void checkColumns(org.apache.spark.sql.Dataset<Row> df, String fc, String lc, LabelRule rule,
                                   String where) {
    List<String> names = Arrays.asList(df.columns());
    if (!names.contains(fc)) throw new DataFormatException(where + ": no features column '" + fc + "'; columns are " + names);
    String why = RowRecords.checkFeaturesType(df.schema().apply(fc).dataType());
    if (why != null) throw new DataFormatException(where + ": column '" + fc + "' is " + why);
    if (!rule.required()) return;
    if (!names.contains(lc)) throw new DataFormatException(where + ": no label column '" + lc + "'; columns are " + names);
    why = RowRecords.checkLabelType(df.schema().apply(lc).dataType(), rule);
    if (why != null) throw new DataFormatException(where + ": label column '" + lc + "' is " + why);
  }

  /** The examples of a (key, example) iterator. */
  private record ValueIterator(java.util.Iterator<Tuple2<RecordKey, Example>> it) implements java.util.Iterator<Example> {
    @Override
    public boolean hasNext() {
      return it.hasNext();
    }

    @Override
    public Example next() {
      return it.next()._2();
    }
  }
}
