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
      "Serve an MCP server over stdio or Streamable HTTP.",
      "HTTP mode keeps sessions in Cassandra (--journal cassandra, the default);",
      "stdio mode uses the embedded journal (an H2 file) so it starts in seconds."
    })
final class ServeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
  Transport transport;

  static final class Transport {
    @Option(names = "--stdio", required = true, description = "Serve MCP on stdin/stdout.")
    boolean stdio;

    @Option(
        names = "--http",
        required = true,
        paramLabel = "HOST:PORT",
        description = "Serve Streamable HTTP at http://HOST:PORT/mcp.")
    String http;
  }

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
    String host = null;
    int port = 0;
    if (!stdio) {
      InetSocketAddress addr = parseHostPort("--http", transport.http);
      host = addr.getHostString();
      port = addr.getPort();
    }
    String mode = journal != null ? journal : (stdio ? "embedded" : "cassandra");
    PersistenceConfig.Mode persistenceMode;
    try {
      persistenceMode = PersistenceConfig.Mode.parse(mode);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }

    Map<String, Object> overrides = new HashMap<>();
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
    Guardian.TransportSpec spec;
    if (stdio) {
      // stdout is MCP's alone: anything else printed by mistake goes to stderr.
      OutputStream mcpOut = new FileOutputStream(FileDescriptor.out);
      System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
      InputStream in = System.in;
      spec =
          new Guardian.TransportSpec(
              "stdio",
              core ->
                  StdioTransport.create(
                      new McpEdge(core, new Metrics()), in, new java.io.BufferedOutputStream(mcpOut), stop::countDown));
      bound.complete(null);
    } else {
      HttpSettings settings = HttpSettings.from(config).withAddress(host, port);
      spec =
          new Guardian.TransportSpec(
              "http",
              core -> HttpTransport.create(core, new McpEdge(core, new Metrics()), settings, bound));
    }
    ErlmcpNode node;
    try {
      node = ErlmcpNode.start("erlmcp", config, mcpServer, List.of(spec), Duration.ofSeconds(60));
    } catch (IllegalStateException e) {
      System.err.println("erlmcp: " + e.getMessage());
      Kamon.stop();
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  node.close();
                },
                "erlmcp-shutdown"));
    try {
      bound.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      System.err.println("erlmcp: cannot listen on " + transport.http + ": " + c.getMessage());
      node.close();
      Kamon.stop();
      return 1;
    }
    if (!mgmt.equals("off")) {
      try {
        PekkoManagement.get(node.system()).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        System.err.println("erlmcp: cannot start Pekko Management on " + mgmt + ": " + e.getMessage());
        node.close();
        Kamon.stop();
        return 1;
      }
    }
    if (!stdio) {
      System.err.println(
          "erlmcp: serving '"
              + server
              + "' on http://"
              + transport.http
              + "/mcp (journal: "
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
      return 3;
    }
    return 0;
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
