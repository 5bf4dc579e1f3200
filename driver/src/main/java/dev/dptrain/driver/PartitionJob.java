package dev.dptrain.driver;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * One Spark job that applies a function to the single element of every partition (dptrain keeps
 * one packed block per partition) and returns the results in partition order.
 *
 * <p>Why not {@code rdd.map(f).collect()}: every RDD operation hands Spark a Scala lambda, and
 * Spark's closure cleaner re-reads the bytecode of the defining class (RDD, JavaRDDLike) with ASM
 * for each one; measured at about 1.3 ms of driver time per training step. The task and result
 * functions here are plain classes, which the cleaner skips. Results come back keyed by partition,
 * so the caller can merge them in a fixed order whatever order the tasks finish in.
 */
public final class PartitionJob {
  private PartitionJob() {}

  /** What a task computes from its partition's element; must be serialisable (it is shipped). */
  @FunctionalInterface
  public interface PartitionFunction<T, U> extends Serializable {
    U apply(T element) throws Exception;
  }

  public static <T, U> List<U> run(JavaSparkContext sc, JavaRDD<T> rdd, PartitionFunction<T, U> f, Class<U> type) {
    int n = rdd.getNumPartitions();
    Object[] results = new Object[n];
    ClassTag<U> tag = ClassTag$.MODULE$.apply(type);
    sc.sc().runJob(rdd.rdd(), new Task<>(f), new Collect<U>(results), tag);
    List<U> out = new ArrayList<>(n);
    for (Object r : results) out.add(type.cast(r));
    return out;
  }

  /** Runs on the executor: the partition must hold exactly one element. */
  private static final class Task<T, U> extends AbstractFunction2<TaskContext, Iterator<T>, U>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final PartitionFunction<T, U> f;

    Task(PartitionFunction<T, U> f) {
      this.f = f;
    }

    @Override
    public U apply(TaskContext context, Iterator<T> it) {
      if (!it.hasNext()) {
        throw new IllegalStateException("partition " + context.partitionId() + " is empty; expected one packed block");
      }
      T element = it.next();
      if (it.hasNext()) {
        throw new IllegalStateException("partition " + context.partitionId() + " holds more than one packed block");
      }
      try {
        return f.apply(element);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Runs on the driver as each task's result arrives. */
  private static final class Collect<U> extends AbstractFunction2<Object, U, BoxedUnit> {
    private final Object[] results;

    Collect(Object[] results) {
      this.results = results;
    }

    @Override
    public BoxedUnit apply(Object index, U result) {
      results[(Integer) index] = result;
      return BoxedUnit.UNIT;
    }
  }
}
