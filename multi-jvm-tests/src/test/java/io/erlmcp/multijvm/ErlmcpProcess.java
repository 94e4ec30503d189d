package io.erlmcp.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One real erlmcp JVM started with bin/erlmcp (ERLMCP_HEAP=256m), its ports and log. */
final class ErlmcpProcess {
  final String name;
  final int httpPort;
  final int clusterPort;
  final int managementPort;
  final Path log;
  private final List<String> command;
  private Process process;

  ErlmcpProcess(String name, int httpPort, int clusterPort, int managementPort, Path log, List<String> seeds) {
    this.name = name;
    this.httpPort = httpPort;
    this.clusterPort = clusterPort;
    this.managementPort = managementPort;
    this.log = log;
    List<String> cmd = new ArrayList<>();
    cmd.add(repoRoot().resolve("bin/erlmcp").toString());
    cmd.addAll(
        List.of(
            "serve",
            "--http", "127.0.0.1:" + httpPort,
            "--cluster-port", Integer.toString(clusterPort),
            "--seed-nodes", String.join(",", seeds),
            "--node-name", name,
            "--management", "127.0.0.1:" + managementPort,
            "--metrics", "off",
            "--journal", "cassandra"));
    this.command = List.copyOf(cmd);
  }

  void start(String contactPoints) {
    start(contactPoints, Map.of());
  }

  /** Starts the JVM on Cassandra {@code contactPoints}, with {@code env} added (e.g. RF 3). */
  void start(String contactPoints, Map<String, String> env) {
    append(log, "==== " + String.join(" ", command));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("ERLMCP_HEAP", "256m");
    pb.environment().put("ERLMCP_CASSANDRA_CONTACT_POINTS", contactPoints);
    pb.environment().putAll(env);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String url() {
    return "http://127.0.0.1:" + httpPort + "/mcp";
  }

  String artery() {
    return "127.0.0.1:" + clusterPort;
  }

  boolean alive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** kill -9: the JVM gets no chance to leave the cluster. */
  void kill() {
    if (alive()) {
      process.destroyForcibly();
      waitFor(10);
    }
  }

  /** SIGTERM: coordinated shutdown, the node leaves and hands its shards off. */
  void stop() {
    if (alive()) {
      process.destroy();
      if (!waitFor(40)) {
        process.destroyForcibly();
        waitFor(10);
      }
    }
  }

  boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The lines of this node's log that contain {@code text} (none if there is no log yet). */
  List<String> logLines(String text) {
    try {
      return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains(text))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  String logTail(int lines) {
    return tail(log, lines);
  }

  /** The last {@code lines} lines of {@code file}, headed by its name, for failure messages. */
  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return "---- last lines of " + file + "\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log " + file + ")";
    }
  }

  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/erlmcp"))) {
        return d;
      }
    }
    throw new IllegalStateException("no bin/erlmcp above " + dir);
  }

  static int freePort() {
    return freePort("127.0.0.1");
  }

  /** A port free on {@code host} (any 127.0.0.x works on Linux). */
  static int freePort(String host) {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getByName(host))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean answers(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
          1000);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  static synchronized void append(Path file, String line) {
    try {
      Files.writeString(
          file, line + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
