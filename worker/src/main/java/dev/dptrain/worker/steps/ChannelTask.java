package dev.dptrain.worker.steps;

import dev.dptrain.model.Network;
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

  /** The job's secret: travels only inside this closure (Spark's RPC), never on the channel. */
  private final byte[] secret;
  private final long jobId;
  private final String host;
  private final int port;
  private final boolean allowLocal;
  private final Broadcast<NetworkSpec> spec;
  private final Augmentation augment;

  /**
   * @param port the driver's channel port, or -1 when the driver opened none (every task must then
   *             be in the driver's JVM)
   */
  public ChannelTask(byte[] secret, long jobId, String host, int port, boolean allowLocal, Broadcast<NetworkSpec> spec,
                     Augmentation augment) {
    this.secret = secret.clone();
    this.jobId = jobId;
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
    TaskLinks.TaskLink link = allowLocal ? TaskLinks.attachLocal(jobId, secret, part.index(), attempt) : null;
    try {
      if (link == null) {
        if (port < 0) {
          throw new IOException("no in-JVM channel for this job and the driver opened no socket (local mode "
              + "without channel-tcp)");
        }
        FrameCipher.warmUpInBackground();
        Network network = Worker.get().network(net);
        link = new TaskLinks.SocketTaskLink(host, port, secret, jobId, part.index(), attempt, network.paramCount(),
            network.batchStatsCount(), alive);
      }
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
