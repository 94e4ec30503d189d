package io.erlmcp.http;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.actors.ErlmcpNode;
import io.erlmcp.actors.Guardian;
import io.erlmcp.persistence.PersistenceConfig;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.transport.McpEdge;
import io.erlmcp.transport.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/** A real in-process erlmcp node serving a {@link TestServer} over Streamable HTTP on loopback. */
public final class TestNode implements AutoCloseable {
  public final ErlmcpNode node;
  public final TestServer server;
  public final McpEdge edge;
  final URI uri;
  private final Path tempDir;
  private HttpTransport.Endpoints endpoints;

  private int tcpPort;
  private io.erlmcp.transport.TcpTransport tcp;

  /** The TCP listener (nodes started with {@link #startWithTcp}). */
  public io.erlmcp.transport.TcpTransport tcp() {
    return tcp;
  }

  /** The port of this node's TCP listener (nodes started with {@link #startWithTcp}). */
  public int tcpPort() {
    return tcpPort;
  }

  /** Waits (up to 15 s) until {@code count} is at most {@code n}, else fails the test. */
  public static void awaitAtMost(java.util.function.IntSupplier count, int n, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (count.getAsInt() > n && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    if (count.getAsInt() > n) {
      throw new AssertionError(what + ": " + count.getAsInt() + " still open, expected <= " + n);
    }
  }

  /** The WebSocket endpoint of this node's HTTP listener. */
  WebSocketEndpoint webSocket() {
    return endpoints.webSocket();
  }

  /** The legacy HTTP+SSE endpoint of this node's HTTP listener. */
  LegacySse legacySse() {
    return endpoints.legacySse();
  }

  private TestNode(ErlmcpNode node, TestServer server, McpEdge edge, URI uri, Path tempDir) {
    this.node = node;
    this.server = server;
    this.edge = edge;
    this.uri = uri;
    this.tempDir = tempDir;
  }

  /** The settings every test node shares, plus {@code extra} (HOCON, wins). */
  static String baseSettings(String extra) {
    return extra
        + "\npekko.actor.provider = cluster"
        + "\npekko.remote.artery.canonical.hostname = 127.0.0.1"
        + "\npekko.remote.artery.canonical.port = 0"
        + "\npekko.actor.serialize-messages = off"
        + "\npekko.loglevel = WARNING"
        + "\npekko.cluster.jmx.multi-mbeans-in-same-jvm = on"
        + "\nerlmcp.http.max-body-size = 64 KiB"
        + "\nerlmcp.protocol.client-request-timeout = 2s"
        + "\n";
  }

  /** A node with the in-memory journal. */
  public static TestNode start(String name, String extra) {
    return start(name, extra, false);
  }

  /** A node with the in-memory journal and a TCP listener (erlmcp.tcp settings) too. */
  public static TestNode startWithTcp(String name, String extra) {
    return start(name, extra, true);
  }

  private static TestNode start(String name, String extra, boolean tcp) {
    Path dir = tempDir();
    Config config =
        ConfigFactory.parseString(
                baseSettings(extra)
                    + "pekko.persistence.journal.plugin = \"pekko.persistence.journal.inmem\"\n"
                    + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
                    + "pekko.persistence.snapshot-store.local.dir = \""
                    + dir.resolve("snapshots").toString().replace("\\", "/")
                    + "\"\n")
            .withFallback(ConfigFactory.load())
            .resolve();
    return start(name, config, TestServer.create(), dir, true, tcp);
  }

  /** A node on the embedded H2 journal in {@code journalDir} (survives restarts). */
  static TestNode startEmbedded(String name, Path journalDir, String extra) {
    Config app =
        ConfigFactory.parseString(
            baseSettings(extra)
                + "erlmcp.persistence.embedded.path = \""
                + journalDir.resolve("journal").toAbsolutePath().toString().replace("\\", "/")
                + "\"\n");
    Config config = PersistenceConfig.forMode(PersistenceConfig.Mode.EMBEDDED, app);
    PersistenceConfig.prepare(config);
    return start(name, config, TestServer.create(), journalDir, false, false);
  }

  private static TestNode start(
      String name, Config config, TestServer server, Path dir, boolean ownsDir, boolean tcp) {
    checkConfig(config);
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    CompletableFuture<InetSocketAddress> tcpBound = new CompletableFuture<>();
    AtomicReference<io.erlmcp.transport.TcpTransport> tcpTransport = new AtomicReference<>();
    List<Guardian.TransportSpec> specs = new java.util.ArrayList<>();
    AtomicReference<McpEdge> edge = new AtomicReference<>();
    AtomicReference<HttpTransport.Endpoints> ws = new AtomicReference<>();
    specs.add(
        new Guardian.TransportSpec(
            "http",
            core -> {
              McpEdge e = new McpEdge(core, new Metrics());
              edge.set(e);
              return HttpTransport.create(
                  core, e, HttpSettings.from(config).withAddress("127.0.0.1", 0), bound, ws::set);
            }));
    if (tcp) {
      specs.add(
          new Guardian.TransportSpec(
              "tcp",
              core ->
                  io.erlmcp.transport.TcpTransport.create(
                      new McpEdge(core, new Metrics()),
                      io.erlmcp.transport.TcpSettings.from(config).withAddress("127.0.0.1", 0),
                      tcpBound,
                      tcpTransport::set)));
    }
    ErlmcpNode node =
        ErlmcpNode.start(
            name,
            config,
            server.server,
            specs,
            Duration.ofSeconds(30));
    try {
      InetSocketAddress addr = bound.get(30, TimeUnit.SECONDS);
      URI uri = URI.create("http://127.0.0.1:" + addr.getPort() + "/mcp");
      TestNode t = new TestNode(node, server, edge.get(), uri, ownsDir ? dir : null);
      t.endpoints = ws.get();
      if (tcp) {
        t.tcpPort = tcpBound.get(30, TimeUnit.SECONDS).getPort();
        t.tcp = tcpTransport.get();
      }
      return t;
    } catch (Exception e) {
      node.close();
      throw new IllegalStateException("HTTP transport did not bind", e);
    }
  }

  /** The actors module's serialization bindings and the erlmcp keys must be on the classpath. */
  private static void checkConfig(Config config) {
    if (!config.hasPath("pekko.actor.serialization-bindings.\"io.erlmcp.actors.CborSerializable\"")
        || !config.hasPath("erlmcp.requests.max-in-flight")
        || !config.hasPath("erlmcp.http.max-body-size")
        || !config.hasPath("erlmcp.stdio.max-line-bytes")) {
      throw new IllegalStateException("erlmcp reference configuration is missing");
    }
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("erlmcp-http-test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public McpServer mcp() {
    return server.server;
  }

  @Override
  public void close() {
    node.close();
    if (tempDir != null) {
      deleteTree(tempDir);
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temp dir
    }
  }
}
