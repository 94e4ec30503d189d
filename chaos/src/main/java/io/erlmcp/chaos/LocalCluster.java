package io.erlmcp.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A local erlmcp cluster of real JVMs ({@code bin/erlmcp serve}) on one Cassandra, for drills and
 * multi-JVM tests. Two placements:
 *
 * <ul>
 *   <li>{@link Placement#LOOPBACK}: every node on 127.0.0.1 with its own ports; no root needed.
 *   <li>{@link Placement#NETNS}: node I in network namespace {@code emcp-nI} at 10.77.0.I (same
 *       ports everywhere), Cassandra in {@code emcp-cass}, made by {@code scripts/netns.sh}; real
 *       partitions with {@link #partition(String...)}.
 * </ul>
 *
 * <p>How a node is launched is decided in one place, {@link #serveCommand(int)}.
 */
public final class LocalCluster implements AutoCloseable {

  public enum Placement {
    LOOPBACK,
    NETNS
  }

  private final Path root;
  private final Path work;
  private final Placement placement;
  private final int size;
  private final int portBase;
  private final String heap;
  private final Process[] processes;
  private final boolean newFlags;
  private final HttpClient http = McpHttp.newHttpClient();
  private boolean cassandraStarted;
  /** Set once the cluster has formed: a restarted node must not be its own seed. */
  private volatile boolean formed;
  private boolean netnsUp;

  /**
   * @param root the erlmcp checkout (holds bin/erlmcp)
   * @param work directory for logs and the Cassandra node (e.g. var/drill)
   * @param portBase loopback placement: node I uses portBase+10*I+{0 http, 1 management, 2
   *     artery, 3 metrics}; Cassandra portBase+1 (CQL) and portBase+2 (storage)
   */
  public LocalCluster(Path root, Path work, Placement placement, int size, int portBase, String heap)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.work = work.toAbsolutePath().normalize();
    this.placement = placement;
    this.size = size;
    this.portBase = portBase;
    this.heap = heap;
    this.processes = new Process[size + 1];
    Files.createDirectories(this.work);
    this.newFlags = detectClusterFlags();
  }

  public int size() {
    return size;
  }

  public Placement placement() {
    return placement;
  }

  /** Whether {@code erlmcp serve} has the cluster flags (--seed-nodes ...) of the cluster branch. */
  public boolean usesClusterFlags() {
    return newFlags;
  }

  // ---- addresses ----------------------------------------------------------------------------

  public String host(int i) {
    return placement == Placement.NETNS ? "10.77.0." + i : "127.0.0.1";
  }

  public int httpPort(int i) {
    return placement == Placement.NETNS ? 8080 : portBase + 10 * i;
  }

  public int managementPort(int i) {
    return placement == Placement.NETNS ? 8558 : portBase + 10 * i + 1;
  }

  public int arteryPort(int i) {
    return placement == Placement.NETNS ? 25520 : portBase + 10 * i + 2;
  }

  public int metricsPort(int i) {
    return placement == Placement.NETNS ? 9095 : portBase + 10 * i + 3;
  }

  public String cassandraHost() {
    return placement == Placement.NETNS ? "10.77.0.200" : "127.0.0.1";
  }

  public int cqlPort() {
    return placement == Placement.NETNS ? 9042 : portBase + 1;
  }

  public URI mcpUri(int i) {
    return URI.create("http://" + host(i) + ":" + httpPort(i) + "/mcp");
  }

  public URI managementUri(int i, String path) {
    return URI.create("http://" + host(i) + ":" + managementPort(i) + path);
  }

  public String pekkoAddress(int i) {
    return "pekko://erlmcp@" + host(i) + ":" + arteryPort(i);
  }

  public Path log(int i) {
    return work.resolve("n" + i + ".log");
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Namespaces (NETNS placement) and Cassandra; returns once CQL answers. */
  public void startInfrastructure() throws IOException, InterruptedException {
    if (placement == Placement.NETNS) {
      run(List.of(script("netns.sh"), "up", Integer.toString(size)), Duration.ofSeconds(60));
      netnsUp = true;
    }
    List<String> cmd = new ArrayList<>(cassandraPrefix());
    cmd.addAll(
        List.of(
            root.resolve("bin/cassandra").toString(),
            "start",
            "--dir",
            work.resolve("cassandra").toString(),
            "--host",
            cassandraHost(),
            "--port",
            Integer.toString(cqlPort()),
            "--storage-port",
            Integer.toString(placement == Placement.NETNS ? 7000 : portBase + 2),
            "--heap",
            "512M",
            // A loaded 2-core machine (five JVMs starting) can take over two minutes.
            "--timeout",
            "280"));
    cassandraStarted = true;
    run(cmd, Duration.ofSeconds(300));
  }

  private List<String> cassandraPrefix() {
    return placement == Placement.NETNS
        ? List.of(script("netns.sh"), "exec", "cass")
        : List.of();
  }

  /**
   * The command that starts node {@code i}: the one place to change when {@code erlmcp serve}'s
   * cluster flags (--cluster-port, --seed-nodes, --node-name) are available, which is detected.
   */
  List<String> serveCommand(int i) {
    List<String> cmd = new ArrayList<>();
    if (placement == Placement.NETNS) {
      cmd.addAll(List.of(script("netns.sh"), "exec", "n" + i));
    }
    cmd.addAll(
        List.of(
            root.resolve("bin/erlmcp").toString(),
            "serve",
            "--http",
            host(i) + ":" + httpPort(i),
            "--management",
            host(i) + ":" + managementPort(i),
            "--metrics",
            host(i) + ":" + metricsPort(i),
            "--cluster-port",
            Integer.toString(arteryPort(i))));
    if (newFlags) {
      cmd.addAll(
          List.of(
              "--seed-nodes", seeds(i, false), "--node-name", "n" + i, "--cluster-host", host(i)));
    }
    return cmd;
  }

  private Map<String, String> serveEnv(int i) {
    Map<String, String> env = new HashMap<>();
    env.put("ERLMCP_HEAP", heap);
    env.put("ERLMCP_CLUSTER_HOST", host(i));
    env.put("ERLMCP_CASSANDRA_CONTACT_POINTS", cassandraHost() + ":" + cqlPort());
    env.put("ERLMCP_LOG_LEVEL", "INFO");
    if (!newFlags) {
      // Until `serve --seed-nodes` exists: Pekko configuration through system properties.
      String[] s = seeds(i, true).split(" ");
      StringBuilder opts = new StringBuilder();
      for (int k = 0; k < s.length; k++) {
        opts.append("-Dpekko.cluster.seed-nodes.").append(k).append('=').append(s[k]).append(' ');
      }
      env.put("ERLMCP_JAVA_OPTS", opts.toString().trim());
    }
    return env;
  }

  /**
   * Nodes 1 and 2 are the seeds while the cluster forms (node 1, the first, joins itself). Once
   * it has formed, a restarted node gets the other nodes as seeds and never itself: a first seed
   * that restarts while the others answer slowly (seed-node-timeout) would otherwise join itself
   * and start a second cluster next to the first.
   */
  private String seeds(int self, boolean pekko) {
    List<String> s = new ArrayList<>();
    for (int k = 1; k <= size; k++) {
      if (formed ? k != self : k <= Math.min(2, size)) {
        s.add(pekko ? pekkoAddress(k) : host(k) + ":" + arteryPort(k));
      }
    }
    return String.join(pekko ? " " : ",", s);
  }

  public void startNode(int i) throws IOException {
    if (processes[i] != null && processes[i].isAlive()) {
      throw new IllegalStateException("node " + i + " is running");
    }
    ProcessBuilder pb = new ProcessBuilder(serveCommand(i)).directory(root.toFile());
    pb.environment().putAll(serveEnv(i));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()));
    Files.writeString(
        log(i),
        "==== start " + java.time.Instant.now() + ": " + String.join(" ", pb.command()) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    processes[i] = pb.start();
  }

  public void startAll() throws IOException {
    for (int i = 1; i <= size; i++) {
      startNode(i);
    }
  }

  /** Marks the cluster formed: from now on restarted nodes join the others (see seeds). */
  public void formed() {
    formed = true;
  }

  /**
   * After every node is gone (all downed): the next nodes started form a new cluster, the first
   * seed joining itself, as at the first start.
   */
  public void forgetFormation() {
    formed = false;
  }

  /** Starts the nodes one after another, each ready (Up, serving) before the next starts. */
  public void startOneByOne(Duration eachWithin) throws IOException, InterruptedException {
    for (int i = 1; i <= size; i++) {
      startNode(i);
      awaitReady(eachWithin, i);
    }
  }

  public Process process(int i) {
    return processes[i];
  }

  public boolean alive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** kill -9 (the JVM: bin/erlmcp and netns.sh exec both exec it). */
  public void kill(int i) throws InterruptedException {
    Process p = processes[i];
    if (p != null) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** HTTP status of management {@code /ready}, 0 if nothing answers. */
  public int ready(int i) {
    return getStatus(managementUri(i, "/ready"));
  }

  public String get(URI uri) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() + " " + r.body();
    } catch (IOException e) {
      return "0 " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "0 interrupted";
    }
  }

  private int getStatus(URI uri) {
    String s = get(uri);
    return Integer.parseInt(s.substring(0, s.indexOf(' ')));
  }

  /** Waits until /ready of each given node answers 200. */
  public void awaitReady(Duration timeout, int... nodes) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i : nodes) {
      while (ready(i) != 200) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "node " + i + " not ready after " + timeout + "; see " + log(i));
        }
        if (processes[i] != null && !processes[i].isAlive()) {
          throw new IllegalStateException(
              "node " + i + " exited (" + processes[i].exitValue() + "); see " + log(i));
        }
        Thread.sleep(250);
      }
    }
  }

  /** Waits until node {@code i} sees {@code members} Up members and none unreachable. */
  public void awaitMembers(int i, int members, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String s = get(managementUri(i, "/cluster/members"));
      if (s.startsWith("200 ")) {
        int up = s.split("\"status\":\"Up\"", -1).length - 1;
        boolean unreachable = s.contains("\"unreachable\":[]") || !s.contains("\"unreachable\"");
        if (up == members && unreachable) {
          if (members == size) {
            formed = true;
          }
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "node " + i + " does not see " + members + " Up members: " + s);
      }
      Thread.sleep(250);
    }
  }

  /**
   * First requests on a fresh cluster are slow (journal schema creation in Cassandra, JIT): until
   * initialize and a session write answer through each given node, with a long timeout.
   */
  public void warmUp(Duration timeout, int... nodes) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i : nodes) {
      String last = "";
      while (true) {
        try {
          McpHttp c = new McpHttp(http, mcpUri(i), Duration.ofSeconds(30));
          McpHttp.Answer a = c.initialize("warm-up");
          last = a.toString();
          if (a.ok()) {
            McpHttp.Answer w = c.remember("warm-up", "1");
            last = w.toString();
            if (w.ok() && !w.toolError()) {
              break;
            }
          }
        } catch (IOException e) {
          last = e.toString();
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("node " + i + " does not answer MCP: " + last);
        }
        Thread.sleep(500);
      }
    }
  }

  public int[] all() {
    int[] a = new int[size];
    for (int i = 0; i < size; i++) {
      a[i] = i + 1;
    }
    return a;
  }

  // ---- partitions (NETNS) -------------------------------------------------------------------

  /** {@code partition("1,2", "3")}: nodes in different groups cannot reach each other. */
  public void partition(String... groups) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(script("netns.sh"), "partition"));
    cmd.addAll(List.of(groups));
    run(cmd, Duration.ofSeconds(30));
  }

  public void ring() throws IOException, InterruptedException {
    run(List.of(script("netns.sh"), "ring"), Duration.ofSeconds(30));
  }

  public void heal() throws IOException, InterruptedException {
    run(List.of(script("netns.sh"), "heal"), Duration.ofSeconds(30));
  }

  /** Null if real partitions can be made here, else why not (not root, no netns, ...). */
  public static String netnsUnavailableReason(Path root) {
    try {
      Process p =
          new ProcessBuilder(root.resolve("scripts/netns.sh").toString(), "check")
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return "scripts/netns.sh check timed out";
      }
      return p.exitValue() == 0 ? null : (out.isEmpty() ? "netns check failed" : out);
    } catch (IOException e) {
      return "cannot run scripts/netns.sh: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  // ---- teardown -----------------------------------------------------------------------------

  /** Kills every node, stops Cassandra, removes the namespaces. Safe to call more than once. */
  @Override
  public void close() {
    for (int i = 1; i <= size; i++) {
      if (processes[i] != null) {
        processes[i].destroyForcibly();
      }
    }
    for (int i = 1; i <= size; i++) {
      if (processes[i] != null) {
        try {
          processes[i].waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    try {
      if (cassandraStarted) {
        cassandraStarted = false;
        List<String> cmd = new ArrayList<>(netnsUp ? cassandraPrefix() : List.of());
        cmd.addAll(
            List.of(
                root.resolve("bin/cassandra").toString(),
                "stop",
                "--dir",
                work.resolve("cassandra").toString(),
                "--host",
                cassandraHost(),
                "--port",
                Integer.toString(cqlPort())));
        run(cmd, Duration.ofSeconds(90));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("cluster: stopping Cassandra: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (netnsUp) {
        netnsUp = false;
        run(List.of(script("netns.sh"), "down"), Duration.ofSeconds(60));
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("cluster: removing namespaces: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private String script(String name) {
    return root.resolve("scripts").resolve(name).toString();
  }

  private boolean detectClusterFlags() {
    try {
      Process p =
          new ProcessBuilder(root.resolve("bin/erlmcp").toString(), "serve", "--help")
              .directory(root.toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(600, TimeUnit.SECONDS);
      return out.contains("--seed-nodes") && !"0".equals(System.getenv("ERLMCP_CLUSTER_FLAGS"));
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void run(List<String> cmd, Duration timeout) throws IOException, InterruptedException {
    Path out = work.resolve("commands.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", cmd));
    }
    if (p.exitValue() != 0) {
      throw new IOException(
          "failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "; see " + out);
    }
  }

}
