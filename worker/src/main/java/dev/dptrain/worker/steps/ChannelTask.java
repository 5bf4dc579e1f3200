package dev.dptrain.worker.steps;

import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.Worker;
import java.io.IOException;
import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.collection.Iterator;
import scala.runtime.AbstractFunction1;

/**
 * The executor side of the driver's step channel: one task per partition of a barrier job, up from
 * step to step. It links to the driver (in memory when the driver's channel is in this JVM, else
 * over a socket), then answers every STEP with the partition's gradient result until END.
 */
public final class ChannelTask extends AbstractFunction1<Iterator<PackedPartition>, Iterator<Object>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  @SuppressWarnings("unchecked")
  private static final Iterator<Object> EMPTY = (Iterator<Object>) (Iterator<?>) scala.collection.Iterator$.MODULE$.empty();

  private final long token;
  private final String host;
  private final int port;
  private final boolean allowLocal;
  private final Broadcast<NetworkSpec> spec;
  private final Augmentation augment;

  public ChannelTask(long token, String host, int port, boolean allowLocal, Broadcast<NetworkSpec> spec,
                     Augmentation augment) {
    this.token = token;
    this.host = host;
    this.port = port;
    this.allowLocal = allowLocal;
    this.spec = spec;
    this.augment = augment;
  }

  @Override
  public Iterator<Object> apply(Iterator<PackedPartition> it) {
    // Not BarrierTaskContext.get(): in Spark 3.5 its companion object starts a non-daemon timer
    // thread that would keep a local-mode driver JVM alive after main returns (SPARK-46895).
    TaskContext ctx = TaskContext.get();
    if (!it.hasNext()) {
      throw new IllegalStateException("partition " + ctx.partitionId() + " is empty; expected one packed block");
    }
    PackedPartition part = it.next();
    int attempt = ctx.stageAttemptNumber();
    boolean firstAttempt = attempt == 0 && ctx.attemptNumber() == 0;
    NetworkSpec net = spec.value();
    Wire.StillWaiting alive = ctx::killTaskIfInterrupted;
    long failAt = InjectedFailure.step();
    TaskLinks.TaskLink link = allowLocal ? TaskLinks.attachLocal(token, part.index(), attempt) : null;
    try {
      if (link == null) link = new TaskLinks.SocketTaskLink(host, port, token, part.index(), attempt);
      for (ChannelStep s = link.next(alive); s != null; s = link.next(alive)) {
        InjectedFailure.check(failAt, s.at().step(), part.index(), firstAttempt);
        link.reply(Worker.get().gradient(net, s.params(), part, s.at(), augment));
      }
    } catch (IOException e) {
      throw new IllegalStateException("partition " + part.index() + ": step channel to the driver at " + host + ":"
          + port + " failed: " + e.getMessage(), e);
    } finally {
      if (link != null) link.close();
    }
    return EMPTY;
  }
}
