package io.erlmcp.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.erlmcp.actors.ErlmcpNode;
import io.erlmcp.actors.Guardian;
import io.erlmcp.http.HttpSettings;
import io.erlmcp.http.HttpTransport;
import io.erlmcp.persistence.PersistenceConfig;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.transport.McpEdge;
import io.erlmcp.transport.Metrics;
import io.erlmcp.transport.StdioTransport;
import io.erlmcp.transport.TcpSettings;
import io.erlmcp.transport.TcpTransport;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kamon.Kamon;
import org.apache.pekko.management.javadsl.PekkoManagement;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code erlmcp serve}: one node serving an example server over stdio or Streamable HTTP. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve an MCP server over stdio, or over HTTP (Streamable HTTP and legacy SSE on /mcp,"
          + " WebSocket on /ws) and/or TCP, each optionally with TLS.",
      "HTTP mode keeps sessions in Cassandra (--journal cassandra, the default);",
      "stdio mode uses the embedded journal (an H2 file) so it starts in seconds."
    })
final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Transport transport;

  /** stdio, or network listeners (HTTP, TCP or both). */
  static final class Transport {
    @Option(names = "--stdio", required = true, description = "Serve MCP on stdin/stdout.")
    boolean stdio;

    @CommandLine.ArgGroup(exclusive = false, multiplicity = "1")
    Listeners listeners;
  }

  static final class Listeners {
    @Option(
        names = "--http",
        paramLabel = "HOST:PORT",
        description =
            "Serve Streamable HTTP and legacy HTTP+SSE at http://HOST:PORT/mcp and WebSocket at"
                + " ws://HOST:PORT/ws.")
    String http;

    @Option(
        names = "--tcp",
        paramLabel = "HOST:PORT",
        description = "Serve newline-delimited JSON-RPC over TCP on HOST:PORT.")
    String tcp;
  }

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: switches the HTTP and TCP listeners to TLS (1.2+).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      description = "PEM private key (unencrypted PKCS#8) of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-keystore",
      paramLabel = "FILE",
      description = "PKCS#12 (or .jks) keystore with the server key and chain, instead of"
          + " --tls-cert/--tls-key; password from ERLMCP_TLS_KEYSTORE_PASSWORD.")
  Path tlsKeystore;

  @Option(
      names = "--tls-trust",
      paramLabel = "FILE",
      description = "CA certificates (PEM) that client certificates must chain to; clients must"
          + " then present one (see --tls-client-auth).")
  Path tlsTrust;

  @Option(
      names = "--tls-client-auth",
      paramLabel = "MODE",
      description = "Client certificates: none, want or need (default: need with --tls-trust).")
  String tlsClientAuth;

  @Option(
      names = "--server",
      defaultValue = "hello",
      paramLabel = "NAME",
      description =
          "Server to serve: hello (default), conformance, or the name of a class with a public"
              + " static McpServer create() (on ERLMCP_CLASSPATH).")
  String server;

  @Option(
      names = "--journal",
      paramLabel = "MODE",
      description = "Where sessions are journaled: cassandra or embedded. Default: cassandra"
          + " for --http, embedded for --stdio.")
  String journal;

  @Option(
      names = "--data-dir",
      defaultValue = "var/erlmcp",
      paramLabel = "DIR",
      description = "Directory of the embedded journal (default var/erlmcp).")
  Path dataDir;

  @Option(
      names = "--management",
      paramLabel = "HOST:PORT",
      description = "Pekko Management (/health, /ready, /cluster/members); HTTP mode default"
          + " 127.0.0.1:8558, 'off' to disable.")
  String management;

  @Option(
      names = "--metrics",
      paramLabel = "HOST:PORT",
      description = "Prometheus endpoint (Kamon); HTTP mode default 127.0.0.1:9095, 'off' to"
          + " disable.")
  String metrics;

  @Option(
      names = "--cluster-port",
      paramLabel = "PORT",
      description = "Artery port of this node (default: a free port; a single node needs none).")
  Integer clusterPort;

  @Option(
      names = "--seed-nodes",
      paramLabel = "HOST:PORT[,HOST:PORT...]",
      split = ",",
      description =
          "Artery host:ports of the seed nodes; this node forms or joins their cluster (the node"
              + " whose own address is the first seed joins itself). None: a cluster of one.")
  List<String> seedNodes;

  @Option(
      names = "--region",
      paramLabel = "NAME",
      description = "Region (Pekko multi-data-center self-data-center) of this node; default"
          + " 'default'.")
  String region;

  @Option(
      names = "--node-name",
      paramLabel = "NAME",
      description = "A name for this node in logs and roles (role node-NAME); default none.")
  String nodeName;

  @Option(
      names = "--cluster-host",
      paramLabel = "HOST",
      description = "Artery host of this node (default 127.0.0.1).")
  String clusterHost;

  @Option(
      names = "--allow-origin",
      paramLabel = "ORIGIN",
      description = "Add a browser Origin to the allow list (repeatable; '*' allows any).")
  List<String> allowOrigins;

  @Override
  public Integer call() throws Exception {
    McpServer mcpServer;
    try {
      mcpServer = Servers.resolve(server);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    boolean stdio = transport.stdio;
    String httpAddress = stdio || transport.listeners == null ? null : transport.listeners.http;
    String tcpAddress = stdio || transport.listeners == null ? null : transport.listeners.tcp;
    if (!stdio && httpAddress == null && tcpAddress == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "one of --stdio, --http HOST:PORT or --tcp HOST:PORT is required");
    }
    InetSocketAddress httpAddr =
        httpAddress == null ? null : parseHostPort("--http", httpAddress);
    InetSocketAddress tcpAddr = tcpAddress == null ? null : parseHostPort("--tcp", tcpAddress);
    boolean tls = tlsCert != null || tlsKeystore != null;
    if (stdio && (tls || tlsTrust != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-* options need --http or --tcp");
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-cert and --tls-key go together");
    }
    if (tlsCert != null && tlsKeystore != null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "use --tls-cert/--tls-key or --tls-keystore, not both");
    }
    if (!tls && (tlsTrust != null || tlsClientAuth != null)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--tls-trust and --tls-client-auth need --tls-cert or --tls-keystore");
    }
    for (Path f : new Path[] {tlsCert, tlsKey, tlsKeystore, tlsTrust}) {
      if (f != null && !java.nio.file.Files.isReadable(f)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read " + f);
      }
    }
    if (tlsClientAuth != null) {
      try {
        io.erlmcp.transport.TlsSettings.ClientAuth.parse(tlsClientAuth);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--tls-client-auth: " + e.getMessage());
      }
    }
    String mode = journal != null ? journal : (stdio ? "embedded" : "cassandra");
    PersistenceConfig.Mode persistenceMode;
    try {
      persistenceMode = PersistenceConfig.Mode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }

    Map<String, Object> overrides = new HashMap<>();
    if (tls) {
      for (String listener : List.of("erlmcp.http.tls.", "erlmcp.tcp.tls.")) {
        if (tlsCert != null) {
          overrides.put(listener + "cert-file", tlsCert.toAbsolutePath().toString());
          overrides.put(listener + "key-file", tlsKey.toAbsolutePath().toString());
        } else {
          overrides.put(listener + "keystore", tlsKeystore.toAbsolutePath().toString());
          String pw = System.getenv("ERLMCP_TLS_KEYSTORE_PASSWORD");
          overrides.put(listener + "keystore-password", pw == null ? "" : pw);
        }
        if (tlsTrust != null) {
          overrides.put(listener + "trust-file", tlsTrust.toAbsolutePath().toString());
        }
        if (tlsClientAuth != null) {
          overrides.put(listener + "client-auth", tlsClientAuth);
        }
      }
    }
    overrides.put("erlmcp.persistence.mode", persistenceMode.name().toLowerCase(java.util.Locale.ROOT));
    overrides.put(
        "erlmcp.persistence.embedded.path", dataDir.resolve("journal").toAbsolutePath().toString());
    if (clusterPort != null) {
      if (clusterPort < 0 || clusterPort > 65535) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--cluster-port: bad port " + clusterPort);
      }
      overrides.put("pekko.remote.artery.canonical.port", clusterPort);
    }
    if (clusterHost != null) {
      overrides.put("pekko.remote.artery.canonical.hostname", clusterHost);
    }
    if (seedNodes != null && !seedNodes.isEmpty()) {
      if (stdio) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--seed-nodes needs --http (a stdio node is a cluster of one)");
      }
      if (clusterPort == null || clusterPort == 0) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--seed-nodes needs a fixed --cluster-port");
      }
      List<String> seeds = new java.util.ArrayList<>();
      for (String seed : seedNodes) {
        InetSocketAddress a = parseHostPort("--seed-nodes", seed.trim());
        seeds.add("pekko://erlmcp@" + a.getHostString() + ":" + a.getPort());
      }
      overrides.put("pekko.cluster.seed-nodes", seeds);
    }
    if (region != null) {
      if (!region.matches("[A-Za-z0-9_-]+")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--region: letters, digits, '-' and '_' only");
      }
      overrides.put("pekko.cluster.multi-data-center.self-data-center", region);
    }
    if (nodeName != null) {
      if (!nodeName.matches("[A-Za-z0-9_.-]+")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--node-name: letters, digits, '.', '-' and '_' only");
      }
      overrides.put("pekko.cluster.roles", List.of("erlmcp", "node-" + nodeName));
      overrides.put("erlmcp.cluster.node-name", nodeName);
    }
    String mgmt = management != null ? management : (stdio ? "off" : "127.0.0.1:8558");
    if (!mgmt.equals("off")) {
      InetSocketAddress m = parseHostPort("--management", mgmt);
      overrides.put("pekko.management.http.hostname", m.getHostString());
      overrides.put("pekko.management.http.port", m.getPort());
    }
    String prom = metrics != null ? metrics : (stdio ? "off" : "127.0.0.1:9095");
    if (!prom.equals("off")) {
      InetSocketAddress m = parseHostPort("--metrics", prom);
      overrides.put("kamon.prometheus.embedded-server.hostname", m.getHostString());
      overrides.put("kamon.prometheus.embedded-server.port", m.getPort());
      overrides.put("kamon.modules.prometheus-reporter.enabled", true);
    }
    Config app = ConfigFactory.parseMap(overrides);
    if (allowOrigins != null) {
      List<String> origins =
          new java.util.ArrayList<>(
              ConfigFactory.defaultReference().getStringList("erlmcp.http.allowed-origins"));
      origins.addAll(allowOrigins);
      app = app.withValue("erlmcp.http.allowed-origins", ConfigValueFactory.fromIterable(origins));
    }
    app =
        app.withFallback(ConfigFactory.defaultApplication())
            .withFallback(ConfigFactory.parseResources("erlmcp-node.conf"));
    Config config = PersistenceConfig.forMode(persistenceMode, app);
    PersistenceConfig.prepare(config);

    Kamon.initWithoutAttaching(config);
    CountDownLatch stop = new CountDownLatch(1);
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    CompletableFuture<InetSocketAddress> tcpBound = new CompletableFuture<>();
    List<Guardian.TransportSpec> specs = new java.util.ArrayList<>();
    if (stdio) {
      // stdout is MCP's alone: anything else printed by mistake goes to stderr.
      OutputStream mcpOut = new FileOutputStream(FileDescriptor.out);
      System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
      InputStream in = System.in;
      specs.add(
          new Guardian.TransportSpec(
              "stdio",
              core ->
                  StdioTransport.create(
                      new McpEdge(core, new Metrics()), in, new java.io.BufferedOutputStream(mcpOut), stop::countDown)));
      bound.complete(null);
      tcpBound.complete(null);
    } else {
      if (httpAddr != null) {
        HttpSettings settings =
            HttpSettings.from(config).withAddress(httpAddr.getHostString(), httpAddr.getPort());
        specs.add(
            new Guardian.TransportSpec(
                "http",
                core ->
                    HttpTransport.create(core, new McpEdge(core, new Metrics()), settings, bound)));
      } else {
        bound.complete(null);
      }
      if (tcpAddr != null) {
        TcpSettings tcpSettings =
            TcpSettings.from(config).withAddress(tcpAddr.getHostString(), tcpAddr.getPort());
        specs.add(
            new Guardian.TransportSpec(
                "tcp",
                core -> TcpTransport.create(new McpEdge(core, new Metrics()), tcpSettings, tcpBound)));
      } else {
        tcpBound.complete(null);
      }
    }
    ErlmcpNode node;
    try {
      node = ErlmcpNode.start("erlmcp", config, mcpServer, specs, Duration.ofSeconds(60));
    } catch (IllegalStateException e) {
      System.err.println("erlmcp: " + e.getMessage());
      Kamon.stop();
      return 1;
    }
    io.erlmcp.transport.ClientGauges.start(node.core(), Duration.ofSeconds(1));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  node.close();
                },
                "erlmcp-shutdown"));
    InetSocketAddress httpBound;
    InetSocketAddress tcpBoundAddress;
    String listening = httpAddress;
    try {
      httpBound = awaitListener(bound, node);
      listening = tcpAddress;
      tcpBoundAddress = awaitListener(tcpBound, node);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      return startFailed(node, "listen on " + listening, e);
    }
    if (!mgmt.equals("off")) {
      try {
        PekkoManagement.get(node.system()).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return startFailed(node, "start Pekko Management on " + mgmt, e);
      }
    }
    if (!stdio) {
      List<String> where = new java.util.ArrayList<>();
      if (httpBound != null) {
        String hp = httpAddr.getHostString() + ":" + httpBound.getPort();
        where.add((tls ? "https://" : "http://") + hp + "/mcp");
        where.add((tls ? "wss://" : "ws://") + hp + "/ws");
      }
      if (tcpBoundAddress != null) {
        where.add((tls ? "tcp+tls://" : "tcp://") + tcpAddr.getHostString() + ":" + tcpBoundAddress.getPort());
      }
      System.err.println(
          "erlmcp: serving '"
              + server
              + "' on "
              + String.join(", ", where)
              + " (journal: "
              + mode
              + (seedNodes != null ? ", cluster seeds " + String.join(",", seedNodes) : "")
              + ")");
    }
    // A node the cluster removed (the Split Brain Resolver downed it on the minority side, or
    // it was quarantined) terminates its actor system: the process must end too, not linger
    // without listeners, so that its supervisor restarts it and it joins again as a new node.
    java.util.concurrent.atomic.AtomicBoolean removed = new java.util.concurrent.atomic.AtomicBoolean();
    node.system()
        .getWhenTerminated()
        .thenRun(
            () -> {
              if (stop.getCount() > 0) {
                removed.set(true);
                stop.countDown();
              }
            });
    stop.await();
    node.close();
    Kamon.stop();
    if (removed.get()) {
      System.err.println(
          "erlmcp: this node was removed from its cluster (downed) and has shut down; restart it"
              + " to join again");
      return EXIT_REMOVED;
    }
    return 0;
  }

  /** Exit status when this node was removed from its cluster (downed) or shut down. */
  static final int EXIT_REMOVED = 3;

  /** The listener's address once bound; fails at once if the node terminates first. */
  private static InetSocketAddress awaitListener(
      CompletableFuture<InetSocketAddress> bound, ErlmcpNode node)
      throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException,
          InterruptedException {
    CompletableFuture.anyOf(bound, node.system().getWhenTerminated().toCompletableFuture())
        .get(30, TimeUnit.SECONDS);
    if (!bound.isDone()) {
      throw new java.util.concurrent.TimeoutException("the node terminated");
    }
    return bound.get();
  }

  /** Prints why the node could not {@code what}, stops it, and answers the exit status. */
  private static int startFailed(ErlmcpNode node, String what, Exception e) {
    Outcome outcome = startFailure(node.system(), what, e);
    System.err.println(outcome.message());
    node.close();
    Kamon.stop();
    return outcome.exitStatus();
  }

  /** What {@code erlmcp serve} prints and exits with. */
  record Outcome(int exitStatus, String message) {}

  /**
   * A listener (or Pekko Management) did not start. When the node is shutting down (its
   * coordinated shutdown has begun: the Split Brain Resolver downed it, it was removed, or its
   * actor system is terminating) that is the reason, whatever the bind failed with (often an
   * exception without a message): exit {@value #EXIT_REMOVED}, as for a node removed while it
   * serves. Otherwise (port in use, bad address, timeout) exit 1 with the cause.
   */
  static Outcome startFailure(
      org.apache.pekko.actor.typed.ActorSystem<?> system, String what, Exception e) {
    Throwable cause =
        e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
            ? e.getCause()
            : e;
    java.util.Optional<org.apache.pekko.actor.CoordinatedShutdown.Reason> reason =
        org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason();
    if (reason.isPresent()
        || system.whenTerminated().isCompleted()
        || cause instanceof io.erlmcp.transport.ListenerStoppedException) {
      return new Outcome(
          EXIT_REMOVED,
          "erlmcp: the node shut down before it could "
              + what
              + " ("
              + reason.map(r -> r.getClass().getSimpleName().replace("$", "")).orElse("terminated")
              + "): it was removed from its cluster (downed) or stopped; restart it to join again");
    }
    String detail = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
    return new Outcome(1, "erlmcp: cannot " + what + ": " + detail);
  }

  private InetSocketAddress parseHostPort(String option, String value) {
    return parseHostPort(spec, option, value);
  }

  static InetSocketAddress parseHostPort(
      CommandLine.Model.CommandSpec spec, String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + " needs HOST:PORT, not '" + value + "'");
    }
    String h = value.substring(0, colon);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    try {
      int p = Integer.parseInt(value.substring(colon + 1));
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return InetSocketAddress.createUnresolved(h, p);
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), option + ": bad port in '" + value + "'");
    }
  }
}
