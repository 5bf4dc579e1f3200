package dev.dptrain.worker.steps;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction2;

/**
 * The executor side of a one-element-per-partition job (dptrain keeps one packed block per
 * partition): applies a function to the partition's single element. A plain class rather than a
 * lambda on an RDD, so Spark's closure cleaner does not re-read bytecode with ASM on every job
 * (about 1.3 ms of driver time per step); the driver side is {@code PartitionJob}.
 */
public final class PartitionTask<T, U> extends AbstractFunction2<TaskContext, Iterator<T>, U>
    implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a task computes from its partition's element; must be serialisable (it is shipped). */
  @FunctionalInterface
  public interface PartitionFunction<T, U> extends Serializable {
    U apply(T element) throws Exception;
  }

  private final PartitionFunction<T, U> f;

  public PartitionTask(PartitionFunction<T, U> f) {
    this.f = f;
  }

  /** The partition must hold exactly one element. */
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
