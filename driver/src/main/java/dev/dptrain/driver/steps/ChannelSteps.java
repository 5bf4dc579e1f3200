package dev.dptrain.driver.steps;

import dev.dptrain.model.GradientSum;
import dev.dptrain.model.config.NetworkSpec;
import dev.dptrain.model.data.Augmentation;
import dev.dptrain.model.train.StepCoordinates;
import dev.dptrain.worker.PackedPartition;
import dev.dptrain.worker.steps.ChannelStep;
import dev.dptrain.worker.steps.ChannelTask;
import dev.dptrain.worker.steps.FrameCipher;
import dev.dptrain.worker.steps.StepFrame;
import dev.dptrain.worker.steps.TaskLinks;
import dev.dptrain.worker.steps.Wire;
import dev.dptrain.model.Network;
import dev.dptrain.worker.steps.LinkAuth;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;
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
 * <p>Security (see docs/security.md): each job draws a random secret that reaches the tasks only
 * inside the Spark task closure; it never travels on the channel. A task's hello is answered with
 * a fresh challenge, which the task must MAC with its per-link key ({@link LinkAuth}); every frame
 * after that is AES-GCM sealed, the body encrypted and (job, frame number, step, header)
 * authenticated: a STEP frame once per step under the job's step key (the same bytes go to every
 * task), a RESULT under its connection's own key (stage attempt and partition authenticated too),
 * so forged, replayed or foreign frames are rejected. Declared sizes are checked against the network's
 * before any allocation. A rejected frame is a lost link: the stage is rerun and the step repeated,
 * at most {@link #MAX_FAILED_EXCHANGES} times in a row. Hellos are handled off the acceptor thread,
 * each with a deadline for the whole hello, at most {@code maxPending} at a time.
 *
 * <p>Tasks inside the driver's JVM (local mode) use in-memory links and no socket is opened at all,
 * unless {@code tcpOnly}. Otherwise the listener binds only {@code spark.driver.bindAddress}
 * (else {@code spark.driver.host}, else {@code SPARK_LOCAL_IP}; 127.0.0.1 in local mode).
 */
public final class ChannelSteps implements StepTransport {
  private static final Logger LOG = Logger.getLogger(ChannelSteps.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Failed step exchanges (lost or rejected links) in a row before the run gives up. */
  static final int MAX_FAILED_EXCHANGES = 4;
  /** Deadline for a whole hello (connect to proof), milliseconds. */
  static final int HELLO_MILLIS = Integer.getInteger("dptrain.channel.helloMillis", 5_000);
  /** How long a step waits for all tasks of a stage attempt to connect, milliseconds. */
  static final long CONNECT_MILLIS = Long.getLong("dptrain.channel.connectMillis", 600_000L);

  private final JavaSparkContext sc;
  private final JavaRDD<PackedPartition> train;
  private final Broadcast<NetworkSpec> spec;
  private final Augmentation augment;
  private final boolean tcpOnly;
  private final int partitions;
  private final int paramCount;
  private final int statsCount;
  /** Null in local mode without tcpOnly: no socket at all. */
  private final ServerSocket server;
  private String host;
  private int advertisedPort;
  private final Thread acceptor;
  private final ThreadPoolExecutor hellos;
  private final Semaphore pending;
  private final RateLimitedLog refusals = new RateLimitedLog(LOG, 5_000);

  private final Object lock = new Object();
  /** The running job's secret and id; null / 0 when no job runs (hellos are then refused). */
  private byte[] secret;
  private long jobId;
  private DriverLinkSet links;
  private volatile JavaFutureAction<Long> job;
  private ExecutorService io;
  /** The running job's cipher for STEP and END frames, and the number of the next one. */
  private FrameCipher stepCipher;
  private long stepFrames;
  private StepFrame frame;
  private int failedExchanges;

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
    Network network = Network.build(spec.value());
    this.paramCount = network.paramCount();
    this.statsCount = network.batchStatsCount();
    boolean local = sc.isLocal();
    this.host = local ? "127.0.0.1" : sc.getConf().get("spark.driver.host", bindAddress(sc.getConf(), false));
    if (local && !tcpOnly) {
      server = null;
      acceptor = null;
      hellos = null;
      pending = null;
      advertisedPort = -1;
      return;
    }
    FrameCipher.warmUpInBackground();
    String bind = bindAddress(sc.getConf(), local);
    try {
      server = new ServerSocket();
      server.setReceiveBufferSize(4 << 20);
      server.bind(new InetSocketAddress(InetAddress.getByName(bind), port), 16);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open the step channel on " + bind + ":" + port
          + " (spark.channel-port); choose a free port or 0 for any", e);
    }
    advertisedPort = server.getLocalPort();
    int maxPending = 16 + 2 * partitions;
    pending = new Semaphore(maxPending);
    AtomicInteger n = new AtomicInteger();
    hellos = new ThreadPoolExecutor(0, maxPending, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "dptrain-step-channel-hello-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    acceptor = new Thread(this::acceptLoop, "dptrain-step-channel-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Where the listener binds: {@code spark.driver.bindAddress}, else {@code spark.driver.host},
   * else {@code SPARK_LOCAL_IP}, else loopback; always loopback in local mode (every task is in this
   * JVM). Never the wildcard address.
   */
  static String bindAddress(SparkConf conf, boolean local) {
    if (local) return "127.0.0.1";
    String a = conf.get("spark.driver.bindAddress", null);
    if (a == null || a.isBlank()) a = conf.get("spark.driver.host", null);
    if (a == null || a.isBlank()) a = System.getenv("SPARK_LOCAL_IP");
    if (a == null || a.isBlank() || a.equals("0.0.0.0") || a.equals("::")) a = "127.0.0.1";
    return a;
  }

  /** The channel's listening port, or -1 when it opened none (local mode without tcpOnly). */
  int port() {
    return server == null ? -1 : server.getLocalPort();
  }

  /** Tests: the running job's id (public: it travels in every hello). */
  long jobId() {
    synchronized (lock) {
      return jobId;
    }
  }

  /** The listener's address, or null when there is none. */
  InetAddress boundAddress() {
    return server == null ? null : server.getInetAddress();
  }

  /** Tests: make tasks connect to another address (a proxy in front of this channel). */
  void advertise(String host, int port) {
    this.host = host;
    this.advertisedPort = port;
  }

  /**
   * Can the channel run here: one task slot per partition, no dynamic allocation? (It authenticates
   * and encrypts its own frames, so {@code spark.authenticate} and Spark's encryption do not exclude it.)
   */
  public static String whyNot(JavaSparkContext sc, int partitions) {
    if (sc.getConf().getBoolean("spark.dynamicAllocation.enabled", false)) {
      return "spark.dynamicAllocation.enabled is true (barrier jobs need a fixed set of executors)";
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
        GradientSum sum = GradientSum.mergeInOrder(Arrays.asList(results));
        failedExchanges = 0;
        return sum;
      } catch (IOException e) {
        synchronized (lock) {
          set.closeAll();
        }
        if (++failedExchanges >= MAX_FAILED_EXCHANGES) {
          throw new IllegalStateException("step " + at.step() + ": gave up after " + failedExchanges
              + " failed exchanges with the step tasks in a row; last: " + e.getMessage(), e);
        }
        LOG.log(Level.WARNING, "step " + at.step() + ": lost a task of stage attempt " + set.stageAttempt + ": "
            + e.getMessage() + "; closed the stage's links, waiting for Spark to rerun the stage");
      }
    }
  }

  /** In-JVM links: handing over references costs microseconds, so no threads. */
  private void exchangeInline(DriverLinkSet set, ChannelStep step, GradientSum[] results) throws IOException {
    for (int p = 0; p < partitions; p++) set.byPartition[p].send(step, null);
    for (int p = 0; p < partitions; p++) results[p] = set.byPartition[p].receive(this::checkJob);
  }

  /**
   * Sockets: one I/O thread per link sends the step and reads the result, so that the copies of
   * megabyte frames through the kernel overlap instead of queueing behind each other. The STEP
   * frame is sealed once, by this thread, while the links already write its first segments.
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
    StepFrame f = StepFrame.step(step.at(), step.params(), stepFrames++, frame);
    frame = f;
    List<Future<GradientSum>> pending = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      Links.DriverLink link = set.byPartition[p];
      pending.add(io.submit(() -> {
        link.send(step, f);
        return link.receive(this::checkJob);
      }));
    }
    f.seal(stepCipher);
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
    ChannelTask task;
    synchronized (lock) {
      if (jobId != 0) TaskLinks.unregisterLocal(jobId);
      secret = LinkAuth.newSecret();
      jobId = LinkAuth.newJobId() | 1;
      stepCipher = LinkAuth.steps(secret, jobId);
      stepFrames = 0;
      links = null;
      long id = jobId;
      if (!tcpOnly) TaskLinks.registerLocal(id, (sec, partition, attempt) -> attachLocal(id, sec, partition, attempt));
      task = new ChannelTask(secret, jobId, host, advertisedPort, !tcpOnly, spec, augment);
    }
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
        StepFrame end = StepFrame.end(stepFrames++);
        end.seal(stepCipher);
        for (Links.DriverLink l : links.byPartition) {
          try {
            if (l != null) l.send(null, end);
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
      invalidate();
    }
  }

  /** Ends the job's links and forgets its secret: no hello can authenticate until the next job. */
  private void invalidate() {
    synchronized (lock) {
      if (links != null) links.closeAll();
      links = null;
      TaskLinks.unregisterLocal(jobId);
      if (secret != null) Arrays.fill(secret, (byte) 0);
      secret = null;
      stepCipher = null;
      jobId = 0;
    }
  }

  @Override
  public void close() {
    if (job != null) {
      job.cancel(true);
      job = null;
    }
    invalidate();
    if (io != null) io.shutdownNow();
    if (server != null) {
      try {
        server.close();
      } catch (IOException ignored) {
        // closing
      }
      hellos.shutdownNow();
    }
  }

  /** Waits until every partition of the newest stage attempt has connected; fails if the job did. */
  private DriverLinkSet awaitComplete() {
    long deadline = System.nanoTime() + CONNECT_MILLIS * 1_000_000L;
    synchronized (lock) {
      while (links == null || links.dead || links.connected < partitions) {
        try {
          checkJob();
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("the step tasks did not all connect within " + CONNECT_MILLIS
                + " ms (dptrain.channel.connectMillis); missing partitions: " + missing());
          }
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

  private String missing() {
    List<Integer> m = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      if (links == null || links.dead || links.byPartition[p] == null) m.add(p);
    }
    return m.toString();
  }

  /** Called by a task in this JVM: its in-memory link, or null when the channel refuses it. */
  private TaskLinks.LocalLink attachLocal(long id, byte[] taskSecret, int partition, int stageAttempt) {
    synchronized (lock) {
      if (id != jobId || secret == null || taskSecret == null || !MessageDigest.isEqual(secret, taskSecret)) {
        refusals.warn("local", "step channel: refused an in-JVM task link (partition " + partition
            + ") without the running job's secret");
        return null;
      }
      TaskLinks.LocalLink link = new TaskLinks.LocalLink();
      return attach(new Links.LocalDriverLink(link), id, partition, stageAttempt, "this JVM") ? link : null;
    }
  }

  /**
   * Adds an authenticated task's link to its stage attempt's set; a newer attempt replaces an older
   * set. Called only after the task proved it knows the job's key.
   */
  private boolean attach(Links.DriverLink link, long helloJob, int partition, int stageAttempt, String peer) {
    synchronized (lock) {
      boolean stale = helloJob != jobId || secret == null || partition < 0 || partition >= partitions
          || (links != null && stageAttempt < links.stageAttempt)
          || (links != null && stageAttempt == links.stageAttempt && links.dead);
      if (stale) {
        refusals.warn("stale", "step channel: refused a task link from " + peer + " (partition " + partition
            + ", stage attempt " + stageAttempt + ") that belongs to no running step job or stage attempt");
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
        refusals.warn("accept", "step channel: accept failed: " + e.getMessage());
        continue;
      }
      if (!pending.tryAcquire()) {
        refusals.warn("pending", "step channel: refused a connection from " + s.getRemoteSocketAddress()
            + ": too many unauthenticated connections pending");
        closeQuietly(s);
        continue;
      }
      try {
        hellos.execute(() -> {
          try {
            hello(s);
          } finally {
            pending.release();
          }
        });
      } catch (RejectedExecutionException e) {
        pending.release();
        closeQuietly(s);
      }
    }
  }

  /**
   * One connection's hello, on a pool thread, within {@link #HELLO_MILLIS} for the whole exchange:
   * HELLO (job, partition, attempt, task nonce) → fresh challenge → proof. Only an authenticated
   * task reaches {@link #attach}.
   */
  private void hello(Socket s) {
    Object peer = s.getRemoteSocketAddress();
    long deadline = System.nanoTime() + HELLO_MILLIS * 1_000_000L;
    try {
      TaskLinks.configure(s);
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      byte[] hello = new byte[Wire.HELLO_BYTES];
      readBefore(s, in, hello, deadline);
      ByteBuffer h = ByteBuffer.wrap(hello).order(ByteOrder.LITTLE_ENDIAN);
      if (h.getInt() != Wire.MAGIC) {
        refusals.warn("magic", "step channel: closed a connection from " + peer + " that is not a dptrain task");
        closeQuietly(s);
        return;
      }
      long helloJob = h.getLong();
      int partition = h.getInt();
      int attempt = h.getInt();
      byte[] taskNonce = new byte[LinkAuth.NONCE_BYTES];
      h.get(taskNonce);
      byte[] challenge = LinkAuth.newNonce();
      LinkAuth auth = null;
      synchronized (lock) {
        if (secret != null && helloJob == jobId && partition >= 0 && partition < partitions && attempt >= 0) {
          auth = LinkAuth.derive(secret, jobId, attempt, partition, challenge, taskNonce);
        }
      }
      if (auth == null) {
        refusals.warn("job", "step channel: refused a hello from " + peer + " (partition " + partition
            + ", stage attempt " + attempt + ") for no running step job");
        closeQuietly(s);
        return;
      }
      OutputStream out = s.getOutputStream();
      out.write(challenge);
      out.flush();
      byte[] proof = new byte[LinkAuth.MAC_BYTES];
      readBefore(s, in, proof, deadline);
      if (!auth.proofMatches(proof)) {
        refusals.warn("proof", "step channel: refused a connection from " + peer + " (partition " + partition
            + ", stage attempt " + attempt + "): wrong proof of the job key");
        closeQuietly(s);
        return;
      }
      s.setSoTimeout(TaskLinks.WAIT_MILLIS);
      attach(new Links.SocketDriverLink(s, in, new Wire(auth, paramCount, statsCount)), helloJob, partition, attempt,
          String.valueOf(peer));
    } catch (IOException e) {
      refusals.warn("hello", "step channel: refused a connection from " + peer + ": " + e.getMessage());
      closeQuietly(s);
    }
  }

  /** Reads exactly {@code into.length} bytes before {@code deadline} (for the whole hello, not per read). */
  private static void readBefore(Socket s, InputStream in, byte[] into, long deadline) throws IOException {
    int off = 0;
    while (off < into.length) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) throw new SocketTimeoutException("hello not complete within " + HELLO_MILLIS + " ms");
      s.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
      int k;
      try {
        k = in.read(into, off, into.length - off);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("hello not complete within " + HELLO_MILLIS + " ms");
      }
      if (k < 0) throw new EOFException("connection closed during the hello after " + off + " bytes");
      off += k;
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /** At most one line per kind of message per interval, with the count of lines left out. */
  static final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private final java.util.Map<String, long[]> last = new java.util.HashMap<>();

    RateLimitedLog(Logger log, long intervalMillis) {
      this.log = log;
      this.intervalNanos = intervalMillis * 1_000_000L;
    }

    /** Returns whether the line was logged. */
    synchronized boolean warn(String kind, String message) {
      long now = System.nanoTime();
      long[] st = last.computeIfAbsent(kind, k -> new long[] {now - intervalNanos - 1, 0});
      if (now - st[0] > intervalNanos) {
        String more = st[1] > 0 ? " (" + st[1] + " similar lines left out)" : "";
        st[0] = now;
        st[1] = 0;
        log.warning(message + more);
        return true;
      }
      st[1]++;
      return false;
    }
  }
}
