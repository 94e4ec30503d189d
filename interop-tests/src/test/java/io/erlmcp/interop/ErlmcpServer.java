package io.erlmcp.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One real erlmcp server process, started with the repository's {@code bin/erlmcp} (the same
 * command a user runs). Its log (stderr and stdout) goes to a file under {@code
 * interop-tests/target/interop}; {@link #logTail} shows the end of it when a test fails.
 */
final class ErlmcpServer implements AutoCloseable {
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

  private final Process process;
  private final int port;
  private final Path dataDir;
  private final Path log;

  private ErlmcpServer(Process process, int port, Path dataDir, Path log) {
    this.process = process;
    this.port = port;
    this.dataDir = dataDir;
    this.log = log;
  }

  // ------------------------------------------------------------------ locations

  /** The repository root: the nearest directory, upwards from the working directory, with bin/erlmcp. */
  static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("bin/erlmcp"))) {
        return d;
      }
    }
    throw new IllegalStateException("no bin/erlmcp in " + dir + " or any parent directory");
  }

  private static volatile boolean built;

  /**
   * The path of bin/erlmcp. The first call runs {@code bin/erlmcp --help} once, so that a build
   * bin/erlmcp decides to do (sources or a pom newer than the cli jar) happens here, outside the
   * startup timeouts of the servers.
   */
  static String erlmcpCommand() {
    String cmd = repoRoot().resolve("bin/erlmcp").toString();
    if (!built) {
      synchronized (ErlmcpServer.class) {
        if (!built) {
          Path log = workDir().resolve("bin-erlmcp-help.log");
          try {
            Process p =
                new ProcessBuilder(cmd, "--help")
                    .directory(repoRoot().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
              p.destroyForcibly();
              throw new IllegalStateException(
                  "bin/erlmcp --help failed (is the reactor built?); " + tail(log, 40));
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          built = true;
        }
      }
    }
    return cmd;
  }

  /** interop-tests/target/interop: logs and data directories of the servers the tests start. */
  static Path workDir() {
    Path dir = repoRoot().resolve("interop-tests/target/interop");
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh, empty data directory (embedded journal) for one test class. */
  static Path newDataDir(String name) {
    try {
      return Files.createTempDirectory(workDir(), name + "-data-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh log file for one test class. */
  static Path newLogFile(String name) {
    try {
      return Files.createTempFile(workDir(), name + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The journal for HTTP servers: {@code cassandra} when ERLMCP_CASSANDRA_CONTACT_POINTS is set
   * and something answers on its first contact point (as under {@code make test}), else {@code
   * embedded}.
   */
  static String httpJournal() {
    String points = System.getenv("ERLMCP_CASSANDRA_CONTACT_POINTS");
    if (points == null || points.isBlank()) {
      return "embedded";
    }
    String first = points.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    String host = colon > 0 ? first.substring(0, colon) : first;
    int p = colon > 0 ? Integer.parseInt(first.substring(colon + 1)) : 9042;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, p), 1000);
      return "cassandra";
    } catch (IOException e) {
      return "embedded";
    }
  }

  // ------------------------------------------------------------------ lifecycle

  /** Starts {@code bin/erlmcp serve --http} and waits until it answers initialize. */
  static ErlmcpServer startHttp(int port, Path dataDir, Path log) {
    return startHttp(port, dataDir, log, List.of("--management", "off", "--metrics", "off"));
  }

  /** As above, with {@code options} (management and metrics addresses) instead of "off". */
  static ErlmcpServer startHttp(int port, Path dataDir, Path log, List<String> options) {
    List<String> cmd = new ArrayList<>();
    cmd.add(erlmcpCommand());
    cmd.addAll(
        List.of(
            "serve",
            "--http",
            "127.0.0.1:" + port,
            "--server",
            "hello",
            "--journal",
            httpJournal(),
            "--data-dir",
            dataDir.toString()));
    cmd.addAll(options);
    Process p = launch(cmd, log);
    ErlmcpServer server = new ErlmcpServer(p, port, dataDir, log);
    try {
      server.awaitHttpReady();
    } catch (RuntimeException | Error e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** Starts {@code bin/erlmcp serve --stdio}; the caller speaks MCP on its stdin/stdout. */
  static ErlmcpServer startStdio(Path dataDir, Path log) {
    List<String> cmd =
        List.of(
            erlmcpCommand(),
            "serve",
            "--stdio",
            "--server",
            "hello",
            "--data-dir",
            dataDir.toString());
    return new ErlmcpServer(launch(cmd, log), -1, dataDir, log);
  }

  /**
   * Starts {@code cmd} (a {@code bin/erlmcp serve} with options of its own, e.g. TLS) with its
   * output in {@code log}, and waits for its "erlmcp: serving" line.
   */
  static Process launchServing(List<String> cmd, Path log) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(cmd)
            .directory(repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (!Files.readString(log).contains("erlmcp: serving")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new IllegalStateException("server did not start: " + tail(log, 40));
      }
      Thread.sleep(200);
    }
    return p;
  }

  /** Runs a tool (openssl) to its end; fails with its output unless it exits 0 within a minute. */
  static String runTool(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(cmd + " failed: " + out);
    }
    return out;
  }

  private static Process launch(List<String> cmd, Path log) {
    try {
      appendLine(log, "==== " + String.join(" ", cmd));
      return new ProcessBuilder(cmd)
          .directory(repoRoot().toFile())
          .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectOutput(
              cmd.contains("--stdio")
                  ? ProcessBuilder.Redirect.PIPE
                  : ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + cmd, e);
    }
  }

  private void awaitHttpReady() {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(url()))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    RawMcp.initializeRequest(0, RawMcp.LATEST_VERSION)))
            .build();
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "erlmcp exited with code " + process.exitValue() + " before it served; " + logTail(40));
      }
      try {
        HttpResponse<String> r = http.send(probe, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(250);
    }
    throw new IllegalStateException(
        "erlmcp did not answer initialize on " + url() + " within " + STARTUP_TIMEOUT + "; "
            + logTail(40));
  }

  /** Stops the process (SIGTERM, then SIGKILL after 30 s) and waits for it to end. */
  void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  @Override
  public void close() {
    stop();
  }

  // ------------------------------------------------------------------ accessors

  Process process() {
    return process;
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return dataDir;
  }

  Path log() {
    return log;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  String url() {
    return baseUrl() + "/mcp";
  }

  String logTail(int lines) {
    return tail(log, lines);
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return "last " + last.size() + " lines of " + file + ":\n" + String.join("\n", last);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }

  static synchronized void appendLine(Path file, String line) {
    try {
      Files.writeString(
          file,
          line + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
