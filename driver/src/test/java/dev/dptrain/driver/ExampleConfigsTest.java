package dev.dptrain.driver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.dptrain.model.Network;
import dev.dptrain.model.config.Conf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example config under conf/ parses strictly and builds its network. */
class ExampleConfigsTest {
  static Stream<Path> configs() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "conf"))) {
      List<Path> confs = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
      assertFalse(confs.isEmpty(), "no example configs found in conf/");
      return confs.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void parsesAndBuilds(Path file) {
    RunConfig rc = RunConfig.parse(Conf.parseFile(file.toFile()), file.toString());
    Network net = Network.build(rc.network());
    assertTrue(net.paramCount() > 0, file + ": no parameters");
  }
}
