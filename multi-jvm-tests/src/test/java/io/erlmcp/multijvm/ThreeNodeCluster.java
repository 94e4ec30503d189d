package io.erlmcp.multijvm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Three erlmcp JVMs on free ports forming one cluster (node 1 and node 2 are the seeds, node 1
 * joins itself), on one Cassandra ({@link #start()}: reused from ERLMCP_CASSANDRA_CONTACT_POINTS
 * when it answers, else a lone node started with bin/cassandra on free ports) or on the nodes of
 * a {@link CassandraRing} ({@link #on}).
 */
final class ThreeNodeCluster implements AutoCloseable {
  final Path work;
  final String contactPoints;
  private final CassandraRing ownCassandra;
  final List<ErlmcpProcess> nodes = new ArrayList<>();

  private ThreeNodeCluster(Path work, String contactPoints, CassandraRing ownCassandra) {
    this.work = work;
    this.contactPoints = contactPoints;
    this.ownCassandra = ownCassandra;
  }

  static ThreeNodeCluster start() throws Exception {
    Path work = workDir();
    String points = System.getenv("ERLMCP_CASSANDRA_CONTACT_POINTS");
    CassandraRing own = null;
    if (points == null || points.isBlank() || !ErlmcpProcess.answers(points.split(",")[0].trim())) {
      try {
        own = CassandraRing.start(work.resolve("cassandra"), 1, Duration.ofSeconds(240));
      } catch (IOException e) {
        String reason =
            "multi-jvm-tests skipped: no Cassandra (ERLMCP_CASSANDRA_CONTACT_POINTS unset or not"
                + " answering, and bin/cassandra start failed: " + e.getMessage() + ")";
        System.out.println(reason);
        Assumptions.abort(reason);
      }
      points = own.contactPoints();
    }
    return start(work, points, own, Map.of(), false);
  }

  /**
   * Three erlmcp JVMs on the given Cassandra nodes, each started with {@code env} added. Node 1
   * alone creates the journal schema (it starts and serves a session write before nodes 2 and 3
   * start): on a multi-node Cassandra, plugins of three JVMs creating the same tables at once
   * through different coordinators could make conflicting schema changes.
   */
  static ThreeNodeCluster on(CassandraRing cassandra, Map<String, String> env) throws Exception {
    return start(workDir(), cassandra.contactPoints(), null, env, true);
  }

  private static Path workDir() throws IOException {
    Path work = ErlmcpProcess.repoRoot().resolve("multi-jvm-tests/target/multijvm");
    Files.createDirectories(work);
    return work;
  }

  private static ThreeNodeCluster start(
      Path work, String points, CassandraRing own, Map<String, String> env, boolean schemaFirst)
      throws Exception {
    ThreeNodeCluster c = new ThreeNodeCluster(work, points, own);
    try {
      // bin/erlmcp builds when sources are newer than the jar: do it once, outside the timeouts.
      Process help =
          new ProcessBuilder(ErlmcpProcess.repoRoot().resolve("bin/erlmcp").toString(), "--help")
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("bin-erlmcp-help.log").toFile())
              .start();
      if (!help.waitFor(600, TimeUnit.SECONDS) || help.exitValue() != 0) {
        throw new IllegalStateException("bin/erlmcp --help failed; see " + work.resolve("bin-erlmcp-help.log"));
      }
      int[] cluster = {ErlmcpProcess.freePort(), ErlmcpProcess.freePort(), ErlmcpProcess.freePort()};
      List<String> seeds = List.of("127.0.0.1:" + cluster[0], "127.0.0.1:" + cluster[1]);
      for (int i = 0; i < 3; i++) {
        ErlmcpProcess n =
            new ErlmcpProcess(
                "n" + (i + 1),
                ErlmcpProcess.freePort(),
                cluster[i],
                ErlmcpProcess.freePort(),
                Files.createTempFile(work, "n" + (i + 1) + "-", ".log"),
                seeds);
        c.nodes.add(n);
        n.start(points, env);
        if (schemaFirst && i == 0) {
          c.awaitMembers(c.nodes, 1, Duration.ofSeconds(150));
          c.warmUp(n, Duration.ofSeconds(120));
        }
      }
      c.awaitMembers(c.nodes, 3, Duration.ofSeconds(150));
      // A cold journal can make the first recoveries time out: warm every node up.
      for (ErlmcpProcess n : c.nodes) {
        c.warmUp(n, Duration.ofSeconds(90));
      }
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  ErlmcpProcess node(int i) {
    return nodes.get(i - 1);
  }

  /** Node {@code i}'s MCP endpoint (for {@link Writers}). */
  URI mcpUri(int i) {
    return URI.create(node(i).url());
  }

  /** GET /status on a node's management port; null when it does not answer 200. */
  static String status(ErlmcpProcess n) {
    try {
      HttpResponse<String> r =
          Mcp.HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.managementPort + "/status"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  static int membersUp(String status) {
    try {
      return Mcp.JSON.readTree(status).path("members").size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void awaitMembers(List<ErlmcpProcess> on, int members, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (ErlmcpProcess n : on) {
      while (true) {
        if (!n.alive()) {
          throw new IllegalStateException(n.name + " exited; " + n.logTail(40));
        }
        String s = status(n);
        if (s != null && s.contains("\"up\":true") && membersUp(s) == members && s.contains("\"unreachable\":[]")) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              n.name + " did not see " + members + " members within " + timeout + ": " + s + "\n" + views());
        }
        sleep(300);
      }
    }
  }

  /**
   * Like {@link #awaitMembers}, but a member that is already Down (no longer listed among the
   * members) and only waits for the leader to remove it is accepted after {@code grace}: the
   * cluster has decided, and what a later test does (a graceful leave) does not wait for that
   * removal. Returns whether such a member was still listed.
   */
  boolean awaitMembersOrDowned(List<ErlmcpProcess> on, int members, Duration timeout, Duration grace) {
    try {
      awaitMembers(on, members, grace);
      return false;
    } catch (IllegalStateException e) {
      System.out.println("multijvm: downed member not removed within " + grace + "; the views:\n" + views()
          + convergenceBlockers());
    }
    long deadline = System.nanoTime() + timeout.minus(grace).toNanos();
    for (ErlmcpProcess n : on) {
      while (true) {
        String s = status(n);
        if (s != null && s.contains("\"up\":true") && membersUp(s) == members && unreachableOnlyDowned(s)) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              n.name + " did not see " + members + " members within " + timeout + ": " + s + "\n" + views());
        }
        sleep(300);
      }
    }
    return true;
  }

  /**
   * Why a leader could not remove a Down member: Pekko moves Down to Removed only on convergence
   * (no member unreachable from a non-Down observer unless it is Down/Exiting, and every Up or
   * Leaving member has seen the latest gossip). After 20 leader ticks without it, the leader logs
   * its reachability table (observer -> subject records) and each member's seen flag: those lines.
   */
  String convergenceBlockers() {
    StringBuilder b = new StringBuilder("---- leader duties blocked (Pekko's own diagnosis):\n");
    for (ErlmcpProcess n : nodes) {
      // The leader's table, and each node's own UNREACHABLE/REACHABLE flips (flapping survivors).
      for (String marker : List.of("Leader can currently not perform its duties", "Marking node as ")) {
        for (String line : n.logLines(marker)) {
          b.append(n.name).append(": ").append(line).append('\n');
        }
      }
    }
    return b.toString();
  }

  private static boolean unreachableOnlyDowned(String status) {
    try {
      var j = Mcp.JSON.readTree(status);
      for (var u : j.path("unreachable")) {
        for (var m : j.path("members")) {
          if (m.asText().equals(u.asText())) {
            return false;
          }
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every live node's /status and the end of every node's log: what a failed wait prints. */
  String views() {
    StringBuilder b = new StringBuilder();
    for (ErlmcpProcess n : nodes) {
      b.append("---- ").append(n.name).append(n.alive() ? " /status: " + status(n) : " (exited)").append('\n');
    }
    for (ErlmcpProcess n : nodes) {
      b.append(n.logTail(60)).append('\n');
    }
    return b.toString();
  }

  void warmUp(ErlmcpProcess n, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try {
        String sid = Mcp.initialize(n.url());
        if (Mcp.ok(Mcp.call(n.url(), sid, 2, "remember", "{\"key\":\"warm\",\"value\":\"up\"}", Duration.ofSeconds(20)))) {
          return;
        }
      } catch (IOException e) {
        last = e;
      }
      sleep(500);
    }
    throw new IllegalStateException(n.name + " did not serve a session within " + timeout + ": " + last + "\n" + n.logTail(40));
  }

  String logs() {
    StringBuilder b = new StringBuilder();
    for (ErlmcpProcess n : nodes) {
      b.append(n.logTail(25)).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() {
    for (ErlmcpProcess n : nodes) {
      n.kill();
    }
    if (ownCassandra != null) {
      ownCassandra.close();
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
