package io.erlmcp.persistence.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A launch that cannot work fails fast with a message saying why; it never hangs. */
class LocalCassandraFailureTest {

  @TempDir Path dir;

  @Test
  void storagePortTakenByAnotherProcessFailsBeforeLaunching() throws IOException {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      LocalCassandra node =
          new LocalCassandra(
              LocalCassandra.Settings.defaults(dir).withPorts(freePort(), squatter.getLocalPort()));

      LocalCassandraException e =
          assertTimeoutPreemptively(
              Duration.ofSeconds(30), () -> assertThrows(LocalCassandraException.class, node::start));

      assertTrue(
          e.getMessage().contains("storage port 127.0.0.1:" + squatter.getLocalPort()),
          e.getMessage());
      assertTrue(e.getMessage().contains("already in use"), e.getMessage());
      assertTrue(Files.notExists(dir.resolve("cassandra.pid")), "nothing was launched");
    }
  }

  @Test
  void nonexistentJavaFailsWithItsPath() throws IOException {
    Path java = dir.resolve("no-such-jdk/bin/java");
    LocalCassandra node =
        new LocalCassandra(
            LocalCassandra.Settings.defaults(dir).withPorts(freePort(), freePort()).withJava(java));

    LocalCassandraException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(30), () -> assertThrows(LocalCassandraException.class, node::start));

    assertTrue(e.getMessage().contains(java.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
  }

  @Test
  void nodeThatDiesAtLaunchIsReportedWithTheTailOfItsOutput() throws IOException {
    LocalCassandra node =
        new LocalCassandra(
            LocalCassandra.Settings.defaults(dir)
                .withPorts(freePort(), freePort())
                .withMaxHeap("not-a-size"));

    // Generous: the first run in a fresh checkout also asks Maven for Cassandra's classpath.
    LocalCassandraException e =
        assertTimeoutPreemptively(
            Duration.ofMinutes(10), () -> assertThrows(LocalCassandraException.class, node::start));

    assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
    assertTrue(e.getMessage().contains("Invalid initial heap size"), e.getMessage());
    assertTrue(Files.notExists(dir.resolve("cassandra.pid")), "the pidfile is removed");
  }

  @Test
  void stopWithoutANodeIsANoOp() {
    LocalCassandra node = new LocalCassandra(LocalCassandra.Settings.defaults(dir));

    assertEquals(LocalCassandra.Stopped.NOT_RUNNING, node.stop());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
