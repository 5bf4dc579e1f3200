package dev.dptrain.worker.steps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** A task does not wait for ever on a listener that takes its hello and never answers. */
class TaskHelloDeadlineTest {
  @Test
  void silentListenerFailsTheTaskAfterTheHelloDeadline() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 4, InetAddress.getLoopbackAddress())) {
      byte[] hello = new byte[Wire.HELLO_BYTES];
      Thread reader = new Thread(() -> {
        try (Socket s = silent.accept()) {
          new DataInputStream(s.getInputStream()).readFully(hello);
          Thread.sleep(30_000); // takes the hello, never sends a challenge
        } catch (IOException | InterruptedException ignored) {
          // the test is over
        }
      });
      reader.setDaemon(true);
      reader.start();
      long t0 = System.nanoTime();
      SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
          () -> new TaskLinks.SocketTaskLink("127.0.0.1", silent.getLocalPort(), LinkAuth.newSecret(), 5, 1, 0, 10, 0,
              () -> {}, 1_000));
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertTrue(seconds >= 1.0 && seconds < 10, "gave up after " + seconds + " s");
      assertTrue(e.getMessage().contains("no challenge from the driver at 127.0.0.1:" + silent.getLocalPort()),
          e.getMessage());
      assertArrayEquals(Wire.hello(5, 1, 0, java.util.Arrays.copyOfRange(hello, 20, 36)), hello,
          "the task sent its hello before waiting");
    }
  }
}
