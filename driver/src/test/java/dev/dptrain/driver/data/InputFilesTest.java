package dev.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {
  @TempDir
  Path dir;

  @Test
  void aMissingRelativePathNamesTheDirectoryItWasResolvedAgainst() {
    String cwd = new org.apache.hadoop.fs.Path(Path.of("").toAbsolutePath().toUri()).toString().replaceAll("/$", "");
    FileNotFoundException rel = assertThrows(FileNotFoundException.class,
        () -> InputFiles.list("no-such-dir/train.csv", new Configuration()));
    assertEquals("no-such-dir/train.csv: data file not found (relative to " + cwd + ")", rel.getMessage());
    String abs = dir.resolve("train.csv").toString();
    FileNotFoundException a = assertThrows(FileNotFoundException.class, () -> InputFiles.list(abs, new Configuration()));
    assertEquals(abs + ": data file not found", a.getMessage());
  }

  /** A file named on its own is read even when a directory listing would skip its name (_part, .train.csv). */
  @Test
  void aFileNamedDirectlyIsReadWhateverItsName() throws java.io.IOException {
    Path f = java.nio.file.Files.writeString(dir.resolve("_part-0.csv"), "1,2\n");
    assertEquals(java.util.List.of("_part-0.csv"), names(InputFiles.list(f.toString(), new Configuration()), dir));
  }

  private static java.util.List<String> names(java.util.List<org.apache.hadoop.fs.FileStatus> files, Path root) {
    return files.stream().map(f -> root.relativize(Path.of(f.getPath().toUri())).toString()).toList();
  }

  @Test
  void aDirectoryListsItsVisibleFilesInSubdirectoriesTooSortedByPath() throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir.resolve("b/c"));
    java.nio.file.Files.createDirectories(dir.resolve("_temporary"));
    java.nio.file.Files.createDirectories(dir.resolve(".hidden"));
    for (String f : new String[] {"z.csv", "a.csv", "b/c/d.csv", "b/a.csv", "_SUCCESS", ".a.csv.crc", "_temporary/x.csv",
        ".hidden/y.csv"}) {
      java.nio.file.Files.writeString(dir.resolve(f), f);
    }
    var files = InputFiles.list(dir.toString(), new Configuration());
    assertEquals(java.util.List.of("a.csv", "b/a.csv", "b/c/d.csv", "z.csv"), names(files, dir));
    assertEquals(5, files.get(0).getLen(), "sizes come with the names");
    var index = InputFiles.indexByKey(files);
    assertEquals(4, index.size());
    assertEquals(2, index.get(dir.resolve("b/c/d.csv").toString()));
    assertEquals(3, index.get(InputFiles.key(files.get(3).getPath())));
    // A single file is its own list.
    assertEquals(java.util.List.of("z.csv"), names(InputFiles.list(dir.resolve("z.csv").toString(), new Configuration()), dir));
  }

  @Test
  void aDirectoryWithoutDataFilesIsAnError() throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir.resolve("out/_temporary"));
    java.nio.file.Files.writeString(dir.resolve("out/_SUCCESS"), "");
    String out = dir.resolve("out").toString();
    assertEquals(out + ": directory holds no data files",
        assertThrows(FileNotFoundException.class, () -> InputFiles.list(out, new Configuration())).getMessage());
  }

  @Test
  void aMissingFashionMnistFileSaysWhichPackageHasIt() {
    String f = dir.resolve("fashion-mnist/train-images-idx3-ubyte.gz").toString();
    assertEquals(f + ": data file not found (Debian: apt-get install dataset-fashion-mnist)",
        assertThrows(FileNotFoundException.class, () -> InputFiles.list(f, new Configuration())).getMessage());
  }

  @Test
  void keysDropSchemeAndAuthorityAndDecodeUris() {
    assertEquals("/data/a b.csv", InputFiles.key(new org.apache.hadoop.fs.Path("hdfs://nn:8020/data/a b.csv")));
    assertEquals("/data/a b.csv", InputFiles.keyOfUri("file:///data/a%20b.csv"));
  }
}
