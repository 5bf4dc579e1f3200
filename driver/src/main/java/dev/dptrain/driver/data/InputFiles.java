package dev.dptrain.driver.data;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The files behind an input path, listed on the driver (names and sizes only, never contents): a
 * file, or a directory's visible files (not starting with {@code _} or {@code .}: Spark's
 * {@code _SUCCESS}, checksums), in subdirectories too, sorted by path. The index of a file in this
 * list is part of every record's identity.
 */
public final class InputFiles {
  private InputFiles() {}

  public static List<FileStatus> list(String path, Configuration conf) throws IOException {
    Path p = new Path(path);
    FileSystem fs = p.getFileSystem(conf);
    if (!fs.exists(p)) {
      throw new FileNotFoundException(path + ": data file not found" + resolvedAgainst(p, fs)
          + (path.contains("fashion-mnist") ? " (Debian: apt-get install dataset-fashion-mnist)" : ""));
    }
    FileStatus top = fs.getFileStatus(p);
    List<FileStatus> out = new ArrayList<>();
    if (top.isFile()) {
      out.add(top);
    } else {
      collect(fs, top.getPath(), out);
      if (out.isEmpty()) throw new FileNotFoundException(path + ": directory holds no data files");
    }
    out.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    return out;
  }

  /** For a relative path: " (relative to DIR)", the working directory it was resolved against. */
  static String resolvedAgainst(Path p, FileSystem fs) {
    return p.isAbsolute() || p.toUri().getScheme() != null ? "" : " (relative to " + fs.getWorkingDirectory() + ")";
  }

  private static void collect(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    for (FileStatus s : fs.listStatus(dir)) {
      String n = s.getPath().getName();
      if (n.startsWith(".") || n.startsWith("_")) continue;
      if (s.isDirectory()) collect(fs, s.getPath(), out);
      else out.add(s);
    }
  }

  /** Each file's index in the list, by its {@link #key}: the file part of every record's identity. */
  public static java.util.Map<String, Integer> indexByKey(List<FileStatus> files) {
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < files.size(); i++) index.put(key(files.get(i).getPath()), i);
    return index;
  }

  /** A file's path without scheme and authority, as Hadoop splits and listings give it. */
  public static String key(Path p) {
    return p.toUri().getPath();
  }

  /** The same key for Spark SQL's {@code _metadata.file_path}, a URL-encoded URI. */
  public static String keyOfUri(String uri) {
    return key(new Path(java.net.URI.create(uri)));
  }
}
