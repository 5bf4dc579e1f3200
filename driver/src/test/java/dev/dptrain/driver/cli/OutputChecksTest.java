package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output paths checked before any work: one IO-failure line naming the option, the path and the problem. */
class OutputChecksTest {
  private static final Configuration HADOOP = new Configuration();

  @TempDir
  Path dir;

  private static Failures.CliFailure failure(org.junit.jupiter.api.function.Executable check) {
    Failures.CliFailure f = assertThrows(Failures.CliFailure.class, check);
    assertEquals(Failures.IO, f.exit);
    return f;
  }

  private static String qualified(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri()).toString().replaceAll("/$", "");
  }

  private List<String> entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aBareRelativeNameIsANewPathInTheWorkingDirectory() {
    String name = "dptrain-output-checks-" + System.nanoTime() + ".csv";
    assertDoesNotThrow(() -> OutputChecks.newPath("--output", name, new Configuration()));
    assertFalse(Files.exists(Path.of(name)), "a check writes nothing under the name");
  }

  @Test
  void aDirectoryIsMadeAndProbedLeavingNothingBehind() throws IOException {
    Path out = dir.resolve("a/b");
    OutputChecks.directory("--model-dir", out.toString(), HADOOP);
    assertTrue(Files.isDirectory(out));
    assertEquals(List.of(), entries(out), "the probe file is removed");
  }

  @Test
  void aRegularFileOnTheWayIsRefused() throws IOException {
    Files.writeString(dir.resolve("f"), "x");
    // (newPath names the qualified path, directory the path as given)
    String target = dir.resolve("f/g/h").toString();
    assertEquals("--model-dir " + target + ": " + dir.resolve("f") + " is a regular file; expected a directory there",
        failure(() -> OutputChecks.directory("--model-dir", target, HADOOP)).getMessage());
    assertEquals("--output " + target + ": " + qualified(dir.resolve("f")) + " is a regular file; expected a directory there",
        failure(() -> OutputChecks.newPath("--output", target, HADOOP)).getMessage());
  }

  @Test
  void anExistingOutputIsNeverOverwritten() throws IOException {
    Path old = Files.writeString(dir.resolve("pred.csv"), "x");
    assertEquals("--output " + old + " already exists; expected a path that does not exist yet (nothing is overwritten:"
        + " remove it or choose another)", failure(() -> OutputChecks.newPath("--output", old.toString(), HADOOP)).getMessage());
    // A new path in a directory that does not exist yet: the directory is made.
    OutputChecks.newPath("--output", dir.resolve("new/pred.csv").toString(), HADOOP);
    assertTrue(Files.isDirectory(dir.resolve("new")));
    assertFalse(Files.exists(dir.resolve("new/pred.csv")));
  }

  @Test
  void tooLittleFreeSpaceIsRefusedAndEnoughPasses() {
    String d = dir.toString();
    String msg = failure(() -> OutputChecks.space("--model-dir", d, HADOOP, Long.MAX_VALUE)).getMessage();
    assertTrue(msg.matches("--model-dir " + java.util.regex.Pattern.quote(d) + " has \\d+ bytes free; the model and checkpoints"
        + " need about " + Long.MAX_VALUE + " bytes: free space or choose another directory"), msg);
    assertDoesNotThrow(() -> OutputChecks.space("--model-dir", d, HADOOP, 1));
  }

  @Test
  void movingAsideKeepsEveryEarlierCopy() throws IOException {
    Path model = Files.createDirectories(dir.resolve("model"));
    Files.writeString(model.resolve("v1"), "1");
    String first = OutputChecks.moveAside(model.toString(), HADOOP);
    assertTrue(first.matches(java.util.regex.Pattern.quote(model.toString()) + "\\.previous-\\d{8}T\\d{6}Z"), first);
    assertFalse(Files.exists(model));
    assertEquals("1", Files.readString(Path.of(first).resolve("v1")));
    // A copy of that name exists already (moved in the same second): the new one is numbered.
    var stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    var now = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC);
    for (int s = 0; s < 3; s++) Files.createDirectories(dir.resolve("model.previous-" + now.plusSeconds(s).format(stamp)));
    Files.createDirectories(model);
    String second = OutputChecks.moveAside(model.toString(), HADOOP);
    assertTrue(second.matches(java.util.regex.Pattern.quote(model.toString()) + "\\.previous-\\d{8}T\\d{6}Z-2"), second);
    assertTrue(Files.isDirectory(Path.of(second)));
    assertFalse(Files.exists(model));
    // and the next copy in that second counts on from there
    Files.createDirectories(model);
    String third = OutputChecks.moveAside(model.toString(), HADOOP);
    assertTrue(third.matches(".*Z-([2-9]|\\d\\d+)") && !third.equals(second) && Files.isDirectory(Path.of(third)),
        "numbered on from 2 (the same second: -3), never below: " + third);
  }
}
