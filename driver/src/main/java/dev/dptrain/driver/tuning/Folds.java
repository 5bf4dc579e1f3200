package dev.dptrain.driver.tuning;

import dev.dptrain.worker.PackedPartition;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * k-fold cross-validation over the cached training partitions, without moving an example: fold f
 * validates on the partitions p with p mod k = f and trains on the others. The balancing shuffle
 * deals examples to partitions by a seeded random key, so groups of partitions are random folds.
 * The training partitions are re-numbered 0..n-1 (the trainer reads block i from partition i);
 * their storage is shared with the cached partitions. Spark's barrier stages refuse pruned RDDs, so
 * a fold trains with the broadcast step transport.
 */
public final class Folds {
  private Folds() {}

  /** The training partitions of fold {@code f} of {@code k}, re-numbered. */
  public static JavaRDD<PackedPartition> train(JavaRDD<PackedPartition> all, int k, int f) {
    check(all, k, f);
    return prune(all, new InFold(k, f, false)).mapPartitionsWithIndex(Folds::renumber, true);
  }

  /** The validation partitions of fold {@code f} of {@code k}. */
  public static JavaRDD<PackedPartition> validation(JavaRDD<PackedPartition> all, int k, int f) {
    check(all, k, f);
    return prune(all, new InFold(k, f, true));
  }

  private static void check(JavaRDD<PackedPartition> all, int k, int f) {
    if (k < 2 || f < 0 || f >= k) throw new IllegalArgumentException("fold " + f + " of " + k);
    if (all.getNumPartitions() < k) {
      throw new IllegalArgumentException(k + "-fold cross-validation needs at least " + k
          + " partitions (spark.partitions), got " + all.getNumPartitions());
    }
  }

  private static JavaRDD<PackedPartition> prune(JavaRDD<PackedPartition> all, InFold keep) {
    return new JavaRDD<>(PartitionPruningRDD.create(all.rdd(), keep), ClassTag$.MODULE$.apply(PackedPartition.class));
  }

  private static Iterator<PackedPartition> renumber(int i, Iterator<PackedPartition> it) {
    List<PackedPartition> out = new ArrayList<>(1);
    while (it.hasNext()) out.add(it.next().withIndex(i));
    return out.iterator();
  }

  /** Whether partition p belongs to fold f (p mod k = f), or, for training, does not. */
  private static final class InFold extends AbstractFunction1<Object, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int k;
    private final int f;
    private final boolean in;

    InFold(int k, int f, boolean in) {
      this.k = k;
      this.f = f;
      this.in = in;
    }

    @Override
    public Object apply(Object p) {
      return ((Integer) p % k == f) == in;
    }
  }
}
