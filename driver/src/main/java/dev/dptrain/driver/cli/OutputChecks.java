package dev.dptrain.driver.cli;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsStatus;
import org.apache.hadoop.fs.Path;

/** Checks on output paths made before any work starts, each failing with one {@link Failures#IO} line. */
final class OutputChecks {
  private OutputChecks() {}

  /** {@code dir} is, or can be made, a writable directory: no regular file on its path, a probe file can be created. */
  static void directory(String what, String dir, Configuration hadoop) {
    Path p = new Path(dir);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      noFileOnPath(what, dir, fs, p);
      try {
        if (!fs.mkdirs(p)) throw new IOException("mkdirs returned false");
        Path probe = new Path(p, ".dptrain-write-check-" + System.nanoTime());
        fs.create(probe, false).close();
        fs.delete(probe, false);
      } catch (IOException e) {
        throw new Failures.CliFailure(Failures.IO, what + " " + dir + " is not a writable directory ("
            + Failures.oneLine(e.getMessage()) + "); expected a directory this user can write", e);
      }
    } catch (IOException e) {
      throw new Failures.CliFailure(Failures.IO, what + " " + dir + ": cannot check it: " + Failures.oneLine(e.getMessage()), e);
    }
  }

  /** {@code path} does not exist yet and its parent is (or can become) a writable directory. */
  static void newPath(String what, String path, Configuration hadoop) {
    Path p = new Path(path);
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      p = fs.makeQualified(p); // a bare relative name ("out.csv") has the working directory as its parent
      if (fs.exists(p)) {
        throw new Failures.CliFailure(Failures.IO, what + " " + path + " already exists; expected a path that does not"
            + " exist yet (nothing is overwritten: remove it or choose another)");
      }
      noFileOnPath(what, path, fs, p.getParent());
    } catch (IOException e) {
      throw new Failures.CliFailure(Failures.IO, what + " " + path + ": cannot check it: " + Failures.oneLine(e.getMessage()), e);
    }
    if (p.getParent() != null) directory(what + " parent", p.getParent().toString(), hadoop);
  }

  /** Refuses when the file system reports less free space than {@code needed} bytes (if it reports any). */
  static void space(String what, String dir, Configuration hadoop, long needed) {
    try {
      Path p = new Path(dir);
      FsStatus st = p.getFileSystem(hadoop).getStatus(p);
      long free = st.getRemaining();
      if (st.getCapacity() > 0 && free < needed) {
        throw new Failures.CliFailure(Failures.IO, what + " " + dir + " has " + free + " bytes free; the model and"
            + " checkpoints need about " + needed + " bytes: free space or choose another directory");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // a file system that does not report its space: the write itself will tell
    }
  }

  /** Renames {@code dir} to {@code dir.previous-<UTC time>} and returns the new name. */
  static String moveAside(String dir, Configuration hadoop) throws IOException {
    Path p = new Path(dir);
    FileSystem fs = p.getFileSystem(hadoop);
    String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
    Path to = new Path(p.getParent(), p.getName() + ".previous-" + stamp);
    for (int i = 2; fs.exists(to); i++) to = new Path(p.getParent(), p.getName() + ".previous-" + stamp + "-" + i);
    if (!fs.rename(p, to)) throw new IOException("could not move " + p + " to " + to);
    return to.toString();
  }

  private static void noFileOnPath(String what, String shown, FileSystem fs, Path p) throws IOException {
    for (Path a = p; a != null; a = a.getParent()) {
      if (fs.exists(a)) {
        if (!fs.getFileStatus(a).isDirectory()) {
          throw new Failures.CliFailure(Failures.IO, what + " " + shown + ": " + a + " is a regular file;"
              + " expected a directory there");
        }
        return;
      }
    }
  }
}
