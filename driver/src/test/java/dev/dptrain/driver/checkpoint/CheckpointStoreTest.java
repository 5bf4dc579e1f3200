package dev.dptrain.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.train.TrainingState;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints on the local file system: damaged files are set aside, failed writes leave nothing behind. */
class CheckpointStoreTest {
  @TempDir
  Path dir;

  private static TrainingState state(long step) {
    TrainingState s = new TrainingState(new float[] {step, -2f}, new float[] {0.25f}, new float[] {3f}, 7);
    s.step = step;
    return s;
  }

  private List<String> names(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).sorted().toList();
    }
  }

  @Test
  void aDamagedNewestCheckpointIsKeptAsideAndTheOneBeforeIsUsed() throws Exception {
    CheckpointStore store = new CheckpointStore(dir.toString(), new Configuration(), 2);
    store.save(state(10));
    store.save(state(20));
    Path newest = dir.resolve("checkpoint-000000000020.dpt");
    Files.deleteIfExists(dir.resolve(".checkpoint-000000000020.dpt.crc"));
    Files.write(newest, new byte[0]); // a 0-byte file, as after a crash of the file system
    TrainingState s = store.latest();
    assertEquals(10, s.step);
    assertArrayEquals(state(10).params, s.params);
    assertEquals(List.of("checkpoint-000000000010.dpt", "checkpoint-000000000020.dpt.damaged"), names(dir));
    store.save(state(30)); // pruning keeps the two newest readable ones and never the damaged file
    store.save(state(40));
    assertEquals(List.of("checkpoint-000000000020.dpt.damaged", "checkpoint-000000000030.dpt",
        "checkpoint-000000000040.dpt"), names(dir));
    assertEquals(40, store.latest().step);
  }

  @Test
  void aMissingDirectoryHasNoCheckpointAndSaveNamesTheFileItWrote() throws Exception {
    CheckpointStore store = new CheckpointStore(dir.resolve("not/yet").toString(), new Configuration(), 0);
    assertEquals(null, store.latest());
    org.apache.hadoop.fs.Path p = store.save(state(7));
    assertEquals("checkpoint-000000000007.dpt", p.getName());
    assertTrue(Files.isRegularFile(dir.resolve("not/yet/checkpoint-000000000007.dpt")));
    store.save(state(8));
    assertEquals(List.of("checkpoint-000000000008.dpt"), names(dir.resolve("not/yet")), "keep 0 still keeps the newest");
  }

  @Test
  void aFailedWriteLeavesNoTemporaryAndKeepsTheEarlierCheckpoints() throws Exception {
    CheckpointStore store = new CheckpointStore(dir.toString(), new Configuration(), 2);
    store.save(state(10));
    Files.createDirectories(dir.resolve("checkpoint-000000000020.dpt").resolve("x")); // the rename must fail
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> store.save(state(20)));
    assertTrue(e.getCause().getMessage().startsWith("cannot write checkpoint ")
        && e.getCause().getMessage().contains("is a directory"), e.getCause().getMessage());
    assertEquals(List.of("checkpoint-000000000010.dpt", "checkpoint-000000000020.dpt"), names(dir));
    assertTrue(Files.isDirectory(dir.resolve("checkpoint-000000000020.dpt")));
  }
}
