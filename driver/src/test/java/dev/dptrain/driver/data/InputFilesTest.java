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
}
