package io.erlmcp.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real peers for the client's integration tests: the official reference server
 * (@modelcontextprotocol/server-everything, installed by tools/js/setup.sh) and erlmcp itself
 * (bin/erlmcp), each as a process of its own.
 */
final class Peers {
  private Peers() {}

  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/erlmcp"))) {
        return d;
      }
    }
    throw new IllegalStateException("no bin/erlmcp above " + dir);
  }

  static Path workDir() {
    try {
      return Files.createDirectories(repoRoot().resolve("client/target/peers"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** server-everything's entry point; runs tools/js/setup.sh when it is missing. */
  static Path everything() {
    Path js = repoRoot().resolve("tools/js/node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    if (!Files.isRegularFile(js)) {
      run(List.of(repoRoot().resolve("tools/js/setup.sh").toString(), "--no-conformance"), Duration.ofMinutes(5));
    }
    return js;
  }

  static List<String> everythingCommand(String mode) {
    return List.of("node", everything().toString(), mode);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void run(List<String> cmd, Duration timeout) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(workDir().resolve("setup.log").toFile()).start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " failed; see " + workDir().resolve("setup.log"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A server process listening on a port; closed by destroying it. */
  record Server(Process process, int port, Path log) implements AutoCloseable {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    String logTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  /** Starts a process with {@code env} and waits until something accepts on {@code port}. */
  static Server start(String name, List<String> cmd, Map<String, String> env, int port, Duration startup) {
    try {
      Path log = Files.createTempFile(workDir(), name + "-", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.directory(repoRoot().toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      Server s = new Server(p, port, log);
      long deadline = System.nanoTime() + startup.toNanos();
      while (System.nanoTime() < deadline) {
        if (!p.isAlive()) {
          throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + s.logTail());
        }
        try (Socket probe = new Socket()) {
          probe.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
          return s;
        } catch (IOException notYet) {
          Thread.sleep(200);
        }
      }
      s.close();
      throw new IllegalStateException(name + " did not listen on " + port + " within " + startup + ":\n" + s.logTail());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Server everythingHttp(String mode) {
    int port = freePort();
    return start("everything-" + mode, everythingCommand(mode), Map.of("PORT", Integer.toString(port)), port, Duration.ofSeconds(60));
  }
}
