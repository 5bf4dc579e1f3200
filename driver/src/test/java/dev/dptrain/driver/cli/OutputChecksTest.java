package dev.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

class OutputChecksTest {
  @Test
  void aBareRelativeNameIsANewPathInTheWorkingDirectory() {
    String name = "dptrain-output-checks-" + System.nanoTime() + ".csv";
    assertDoesNotThrow(() -> OutputChecks.newPath("--output", name, new Configuration()));
    assertFalse(Files.exists(Path.of(name)), "a check writes nothing under the name");
  }
}
