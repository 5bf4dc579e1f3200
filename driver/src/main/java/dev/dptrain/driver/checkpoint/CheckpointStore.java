package dev.dptrain.driver.checkpoint;

import dev.dptrain.driver.AtomicFiles;
import dev.dptrain.model.train.TrainingState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checkpoints in a directory of any Hadoop FileSystem (file://, hdfs://, s3a://), as
 * {@code checkpoint-<step>.dpt}. A write goes to a hidden temporary file that is renamed into
 * place, so a crash mid-write never damages an earlier checkpoint; the newest {@code keep} are kept. A checkpoint that
 * cannot be read is renamed {@code *.dpt.damaged} (kept, never deleted) and the one before it is used.
 */
public final class CheckpointStore {
  private static final Logger LOG = Logger.getLogger(CheckpointStore.class.getName());
  private static final String PREFIX = "checkpoint-";
  private static final String SUFFIX = ".dpt";
  /** Appended to the name of a checkpoint that cannot be read, so a resume and pruning pass over it. */
  public static final String DAMAGED = ".damaged";

  private final Path dir;
  private final FileSystem fs;
  private final int keep;

  public CheckpointStore(String dir, Configuration hadoopConf, int keep) {
    try {
      this.dir = new Path(dir);
      this.fs = this.dir.getFileSystem(hadoopConf);
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot open checkpoint directory " + dir + ": " + e.getMessage(), e));
    }
    this.keep = Math.max(1, keep);
  }

  public Path save(TrainingState state) {
    byte[] bytes = TrainingStateCodec.encode(state);
    Path target = new Path(dir, String.format("%s%012d%s", PREFIX, state.step, SUFFIX));
    try {
      AtomicFiles.write(fs, target, bytes);
      prune();
      return target;
    } catch (IOException e) {
      // the cause's message (a full disk, a permission) belongs in the one line the user sees
      throw new UncheckedIOException(new IOException("cannot write checkpoint " + target + ": " + e.getMessage(), e));
    }
  }

  /** The newest readable checkpoint, or null when there is none. Damaged files are skipped with a warning. */
  public TrainingState latest() {
    List<Path> all = list();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path p = all.get(i);
      try (InputStream in = fs.open(p)) {
        return TrainingStateCodec.decode(in.readAllBytes(), p.toString());
      } catch (IOException e) {
        // Kept under another name (nothing is deleted), out of the way of resuming and pruning.
        Path aside = new Path(p.getParent(), p.getName() + DAMAGED);
        String kept;
        try {
          kept = fs.rename(p, aside) ? "; kept as " + aside.getName() : "";
        } catch (IOException r) {
          kept = "";
        }
        LOG.warning("skipping unreadable checkpoint: " + e.getMessage() + kept);
      }
    }
    return null;
  }

  List<Path> list() {
    List<Path> out = new ArrayList<>();
    try {
      if (!fs.exists(dir)) return out;
      for (FileStatus st : fs.listStatus(dir)) {
        String n = st.getPath().getName();
        if (st.isFile() && n.startsWith(PREFIX) && n.endsWith(SUFFIX)) out.add(st.getPath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(new IOException("cannot list checkpoint directory " + dir + ": " + e.getMessage(), e));
    }
    out.sort((a, b) -> a.getName().compareTo(b.getName()));
    return out;
  }

  private void prune() throws IOException {
    List<Path> all = list();
    for (int i = 0; i < all.size() - keep; i++) fs.delete(all.get(i), false);
  }
}
