package dev.dptrain.driver.cli;

import dev.dptrain.driver.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The model directory of scheduled retraining ({@code dptrain retrain --models DIR}):
 * <pre>
 *   DIR/work/                 the candidate being trained: run record, checkpoints, metrics, model/
 *   DIR/versions/v0007/       a promoted candidate's whole run directory, plus retrain.properties
 *                             (candidate and current metrics on the holdout, the gate) and config.conf
 *   DIR/versions/v0007/PROMOTED   the promotion marker: the current model is the newest version with one
 *   DIR/rejected/v0008/       a candidate that did not pass the gate, kept for inspection
 * </pre>
 * Promotion is two atomic steps: the finished run directory is renamed into {@code versions/}
 * under a new name, then the marker is created (write to a temporary name, rename to a name that
 * did not exist: atomic on HDFS and local file systems, unlike replacing a file). A reader sees
 * the old current model until the marker exists and the complete new one after; a crash between
 * the steps is finished by the next run ({@link #current} completes a recorded promotion).
 */
final class ModelVersions {
  static final String MARKER = "PROMOTED";
  static final String RECORD = "retrain.properties";

  private final FileSystem fs;
  private final Path root;

  ModelVersions(String dir, Configuration hadoop) throws IOException {
    this.root = new Path(dir);
    this.fs = root.getFileSystem(hadoop);
  }

  /** Where the candidate is trained (and resumed after a crash). */
  String workDir() {
    return new Path(root, "work").toString();
  }

  /** The current version's directory, or null before the first promotion. */
  Path current() throws IOException {
    Path best = null;
    for (Path v : list("versions")) {
      if (!fs.exists(new Path(v, MARKER)) && promotedBy(v)) markPromoted(v); // a crash after the rename
      if (fs.exists(new Path(v, MARKER))) best = v;
    }
    return best;
  }

  /** The saved model of a version directory. */
  static String model(Path version) {
    return new Path(version, "model").toString();
  }

  /** Records the decision in the work directory and moves it to versions/ (promoted) or rejected/. */
  Path settle(boolean promote, String record, String configText, int keep) throws IOException {
    Path work = new Path(workDir());
    AtomicFiles.write(fs, new Path(work, RECORD), record.getBytes(StandardCharsets.UTF_8));
    if (!configText.isEmpty()) AtomicFiles.write(fs, new Path(work, "config.conf"), configText.getBytes(StandardCharsets.UTF_8));
    Path target = new Path(new Path(root, promote ? "versions" : "rejected"), String.format(Locale.ROOT, "v%04d", next()));
    fs.mkdirs(target.getParent());
    if (!fs.rename(work, target)) throw new IOException("could not move " + work + " to " + target);
    if (promote) markPromoted(target);
    prune(promote ? "versions" : "rejected", keep);
    return target;
  }

  private void markPromoted(Path version) throws IOException {
    AtomicFiles.write(fs, new Path(version, MARKER), java.time.Instant.now().toString().getBytes(StandardCharsets.UTF_8));
  }

  private boolean promotedBy(Path version) throws IOException {
    Path rec = new Path(version, RECORD);
    if (!fs.exists(rec)) return false;
    try (var in = fs.open(rec)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("decision=promoted");
    }
  }

  /** One more than the highest version number in versions/ and rejected/. */
  private int next() throws IOException {
    int max = 0;
    for (String sub : List.of("versions", "rejected")) {
      for (Path v : list(sub)) max = Math.max(max, Integer.parseInt(v.getName().substring(1)));
    }
    return max + 1;
  }

  /** Keeps the newest {@code keep} entries of {@code sub}; never the current version. */
  private void prune(String sub, int keep) throws IOException {
    List<Path> all = list(sub);
    Path current = sub.equals("versions") ? current() : null;
    for (int i = 0; i < all.size() - keep; i++) {
      if (!all.get(i).equals(current)) fs.delete(all.get(i), true);
    }
  }

  /** The v-numbered directories of {@code sub}, oldest first. */
  private List<Path> list(String sub) throws IOException {
    Path dir = new Path(root, sub);
    List<Path> out = new ArrayList<>();
    if (!fs.exists(dir)) return out;
    for (FileStatus st : fs.listStatus(dir)) {
      if (st.isDirectory() && st.getPath().getName().matches("v\\d+")) out.add(st.getPath());
    }
    out.sort((a, b) -> Integer.compare(Integer.parseInt(a.getName().substring(1)), Integer.parseInt(b.getName().substring(1))));
    return out;
  }
}
