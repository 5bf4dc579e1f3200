package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.steps.ChannelStep;
import dev.dptrain.worker.steps.ChannelTask;
import dev.dptrain.worker.steps.TaskLinks;
import dev.dptrain.worker.steps.Wire;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.reflect.ClassTag$;

/**
 * Steps without a Spark job each: ONE barrier job whose tasks (one per partition, gang-scheduled)
 * stay up from step to step until {@link #release} (before validation, or at the end). Each step
 * the driver sends the flat parameter
 * vector to every task and reads back every task's result in partition order, exactly what
 * {@link BroadcastSteps} computes, so the two are bit-identical; what disappears is the per-step
 * cost of a Spark job (DAG scheduling, task serialisation, several thread hand-offs: 5-6 ms on
 * two local cores, more than the MLP's compute at batch 512).
 *
 * <p>Failures: a task that fails closes its link; the driver drops that attempt's links and waits
 * for the tasks of the stage attempt Spark resubmits (barrier stages are retried as a whole), then
 * repeats the current step. A task's result is a pure function of (parameters, step, partition),
 * so the retried step is bit-identical. When Spark gives up, the job's error is rethrown here.
 *
 * <p>Executors connect to a server socket on the driver ({@code spark.driver.host}, port
 * {@code port}, 0 = any free one) and must present the job's random token. Tasks that run inside
 * the driver's JVM (local mode) use an in-memory link instead, unless {@code tcpOnly}.
 */
public final class ChannelSteps implements StepTransport {
  private static final Logger LOG = Logger.getLogger(ChannelSteps.class.getName());
  private static final SecureRandom TOKENS = new SecureRandom();

  private final JavaSparkContext sc;
  private final JavaRDD<PackedPartition> train;
  private final Broadcast<NetworkSpec> spec;
  private final Augmentation augment;
  private final boolean tcpOnly;
  private final int partitions;
  private final ServerSocket server;
  private final String host;
  private final Thread acceptor;

  private final Object lock = new Object();
  private long token;
  private DriverLinkSet links;
  private volatile JavaFutureAction<Long> job;
  private ExecutorService io;
  private byte[] frame;

  /** The links of one stage attempt; complete when every partition's task has connected. */
  private static final class DriverLinkSet {
    final int stageAttempt;
    final Links.DriverLink[] byPartition;
    int connected;
    boolean dead;
    /** All links are in-JVM (tasks in the driver's JVM). */
    boolean local = true;

    DriverLinkSet(int stageAttempt, int partitions) {
      this.stageAttempt = stageAttempt;
      this.byPartition = new Links.DriverLink[partitions];
    }

    void closeAll() {
      dead = true;
      for (Links.DriverLink l : byPartition) {
        if (l != null) l.close();
      }
    }
  }

  public ChannelSteps(JavaSparkContext sc, JavaRDD<PackedPartition> train, Broadcast<NetworkSpec> spec,
                      Augmentation augment, boolean tcpOnly, int port) {
    this.sc = sc;
    this.train = train;
    this.spec = spec;
    this.augment = augment;
    this.tcpOnly = tcpOnly;
    this.partitions = train.getNumPartitions();
    this.host = sc.getConf().get("spark.driver.host", "127.0.0.1");
    try {
      server = new ServerSocket();
      server.setReceiveBufferSize(4 << 20);
      server.bind(new InetSocketAddress(port), 64);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the step channel on port " + port
          + " (spark.channel-port); choose a free port or 0 for any", e);
    }
    acceptor = new Thread(this::acceptLoop, "dptrain-step-channel-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Can the channel run here: one task slot per partition, no dynamic allocation, no Spark auth? */
  public static String whyNot(JavaSparkContext sc, int partitions) {
    if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
      return "spark.dynamicAllocation.enabled is true (barrier jobs need a fixed set of executors)";
    }
    if (sc.getConf().getBoolean("spark.authenticate", false)) {
      return "spark.authenticate is true (the channel's socket is not covered by Spark's authentication)";
    }
    int slots = sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
    if (slots < partitions) {
      return partitions + " partitions but only " + slots + " task slots (a barrier job runs all its tasks at once)";
    }
    return null;
  }

  @Override
  public GradientSum step(StepCoordinates at, float[] params) {
    if (job == null) startJob();
    ChannelStep step = new ChannelStep(at, params);
    GradientSum[] results = new GradientSum[partitions];
    while (true) {
      DriverLinkSet set = awaitComplete();
      try {
        if (set.local) {
          exchangeInline(set, step, results);
        } else {
          exchangeInParallel(set, step, results);
        }
        return GradientSum.mergeInOrder(Arrays.asList(results));
      } catch (IOException e) {
        LOG.log(Level.WARNING, "step " + at.step() + ": lost a task of stage attempt " + set.stageAttempt + ": "
            + e.getMessage() + "; waiting for Spark to rerun the stage");
        synchronized (lock) {
          set.closeAll();
        }
      }
    }
  }

  /** In-JVM links: handing over references costs microseconds, so no threads. */
  private void exchangeInline(DriverLinkSet set, ChannelStep step, GradientSum[] results) throws IOException {
    for (int p = 0; p < partitions; p++) set.byPartition[p].send(step);
    for (int p = 0; p < partitions; p++) results[p] = set.byPartition[p].receive(this::checkJob);
  }

  /**
   * Sockets: one I/O thread per link sends the step and reads the result, so that the copies of
   * megabyte frames through the kernel overlap instead of queueing behind each other.
   */
  private void exchangeInParallel(DriverLinkSet set, ChannelStep step, GradientSum[] results) throws IOException {
    if (io == null) {
      AtomicInteger n = new AtomicInteger();
      io = Executors.newFixedThreadPool(partitions, r -> {
        Thread t = new Thread(r, "dptrain-step-io-" + n.getAndIncrement());
        t.setDaemon(true);
        return t;
      });
    }
    frame = step.encode(frame);
    List<Future<GradientSum>> pending = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      Links.DriverLink link = set.byPartition[p];
      pending.add(io.submit(() -> {
        link.send(step);
        return link.receive(this::checkJob);
      }));
    }
    IOException failure = null;
    for (int p = 0; p < partitions; p++) {
      try {
        results[p] = pending.get(p).get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof IOException io ? io : new IOException("partition " + p, e.getCause());
          synchronized (lock) {
            set.closeAll(); // unblocks the other partitions' reads
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted during a step");
      }
    }
    if (failure != null) throw failure;
  }

  private void startJob() {
    synchronized (lock) {
      if (token != 0) TaskLinks.unregisterLocal(token);
      token = TOKENS.nextLong() | 1;
      links = null;
      long t = token;
      if (!tcpOnly) TaskLinks.registerLocal(t, (partition, attempt) -> attachLocal(t, partition, attempt));
    }
    ChannelTask task = new ChannelTask(token, host, server.getLocalPort(), !tcpOnly, spec, augment);
    JavaRDD<Object> running = JavaRDD.fromRDD(
        train.rdd().barrier().mapPartitions(task, false, ClassTag$.MODULE$.apply(Object.class)),
        ClassTag$.MODULE$.apply(Object.class));
    // Spark retries a failed barrier stage only when it is a shuffle-map stage (a failed barrier
    // result stage aborts the job), so the tasks' (empty) output goes through a shuffle.
    job = running.repartition(1).countAsync();
  }

  @Override
  public void release() {
    if (job == null) return;
    synchronized (lock) {
      if (links != null && !links.dead) {
        for (Links.DriverLink l : links.byPartition) {
          try {
            if (l != null) l.send(null);
          } catch (IOException e) {
            LOG.fine("END not delivered: " + e.getMessage());
          }
        }
      }
    }
    try {
      job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the step tasks finish", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the step tasks' barrier job failed after all steps: " + e.getCause(), e.getCause());
    } finally {
      job = null;
      synchronized (lock) {
        if (links != null) links.closeAll();
        links = null;
        TaskLinks.unregisterLocal(token);
      }
    }
  }

  @Override
  public void close() {
    if (job != null) {
      job.cancel(true);
      job = null;
    }
    synchronized (lock) {
      if (links != null) links.closeAll();
      TaskLinks.unregisterLocal(token);
    }
    if (io != null) io.shutdownNow();
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /** Waits until every partition of the newest stage attempt has connected; fails if the job did. */
  private DriverLinkSet awaitComplete() {
    synchronized (lock) {
      while (links == null || links.dead || links.connected < partitions) {
        try {
          checkJob();
          lock.wait(TaskLinks.WAIT_MILLIS);
        } catch (IOException e) {
          throw new IllegalStateException(e.getMessage(), e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the step tasks", e);
        }
      }
      return links;
    }
  }

  /** Rethrows the job's failure; the job ending before END is sent is a failure too. */
  private void checkJob() throws IOException {
    JavaFutureAction<Long> j = job;
    if (j == null || !j.isDone()) return;
    try {
      j.get();
    } catch (ExecutionException e) {
      throw new IOException("Spark gave up on the step tasks: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } catch (java.util.concurrent.CancellationException e) {
      throw new IOException("the step tasks' job was cancelled", e);
    }
    throw new IOException("the step tasks ended before the driver sent END");
  }

  /** Called by a task in this JVM: its in-memory link, or null when the channel refuses it. */
  private TaskLinks.LocalLink attachLocal(long token, int partition, int stageAttempt) {
    TaskLinks.LocalLink link = new TaskLinks.LocalLink();
    return attach(new Links.LocalDriverLink(link), token, partition, stageAttempt) ? link : null;
  }

  /** Adds a task's link to its stage attempt's set; a newer attempt replaces an older set. */
  private boolean attach(Links.DriverLink link, long helloToken, int partition, int stageAttempt) {
    synchronized (lock) {
      boolean stale = helloToken != token || partition < 0 || partition >= partitions
          || (links != null && stageAttempt < links.stageAttempt)
          || (links != null && stageAttempt == links.stageAttempt && links.dead);
      if (stale) {
        LOG.warning("step channel: refused a task link (partition " + partition + ", stage attempt " + stageAttempt
            + ") that belongs to no running step job");
        link.close();
        return false;
      }
      if (links == null || stageAttempt > links.stageAttempt) {
        if (links != null) links.closeAll();
        links = new DriverLinkSet(stageAttempt, partitions);
      }
      if (links.byPartition[partition] != null) {
        links.byPartition[partition].close();
        links.connected--;
      }
      links.byPartition[partition] = link;
      links.connected++;
      links.local &= link instanceof Links.LocalDriverLink;
      lock.notifyAll();
      return true;
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketException closed) {
        return;
      } catch (IOException e) {
        LOG.warning("step channel: accept failed: " + e.getMessage());
        continue;
      }
      try {
        TaskLinks.configure(s);
        s.setSoTimeout(10_000); // the HELLO comes right after connecting
        InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
        byte[] hello = in.readNBytes(Wire.HELLO_BYTES);
        ByteBuffer h = ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN);
        if (hello.length != Wire.HELLO_BYTES || h.getInt() != Wire.MAGIC) {
          LOG.warning("step channel: closed a connection from " + s.getRemoteSocketAddress() + " that is not a dptrain task");
          s.close();
          continue;
        }
        long t = h.getLong();
        int partition = h.getInt();
        int attempt = h.getInt();
        s.setSoTimeout(TaskLinks.WAIT_MILLIS);
        attach(new Links.SocketDriverLink(s, in), t, partition, attempt);
      } catch (IOException e) {
        LOG.warning("step channel: bad HELLO from " + s.getRemoteSocketAddress() + ": " + e.getMessage());
        try {
          s.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }
  }
}
