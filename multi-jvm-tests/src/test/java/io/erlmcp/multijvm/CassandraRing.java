package io.erlmcp.multijvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Local Cassandra nodes started with {@code bin/cassandra}: node I listens on 127.0.0.I (Linux
 * routes all of 127/8 to loopback) on free ports, in {@code DIR/nI}. One node is a lone node; several
 * form one cluster whose seed is node 1, started one after another (Cassandra refuses
 * concurrent joins). Nodes can be killed with SIGKILL and started again with the same options.
 */
final class CassandraRing implements AutoCloseable {
  private final Path dir;
  private final List<Node> nodes = new ArrayList<>();

  /** One node's address, ports and directory. */
  record Node(int index, String host, int cqlPort, int storagePort, Path dir) {
    String cql() {
      return host + ":" + cqlPort;
    }
  }

  private CassandraRing(Path dir) {
    this.dir = dir;
  }

  /**
   * Starts {@code size} nodes (each within {@code eachWithin}); on failure stops what it started
   * and throws with the output of bin/cassandra (which ends with the node's log tail).
   */
  static CassandraRing start(Path dir, int size, Duration eachWithin) throws IOException {
    Files.createDirectories(dir);
    CassandraRing ring = new CassandraRing(dir);
    for (int i = 1; i <= size; i++) {
      String host = "127.0.0." + i;
      ring.nodes.add(new Node(i, host, ErlmcpProcess.freePort(host), ErlmcpProcess.freePort(host), dir.resolve("n" + i)));
    }
    try {
      for (int i = 1; i <= size; i++) {
        ring.start(i, eachWithin);
      }
    } catch (IOException | RuntimeException e) {
      ring.close();
      throw e;
    }
    return ring;
  }

  Node node(int i) {
    return nodes.get(i - 1);
  }

  /** Every node's CQL address, comma-separated: ERLMCP_CASSANDRA_CONTACT_POINTS. */
  String contactPoints() {
    return String.join(",", nodes.stream().map(Node::cql).toList());
  }

  /** Starts (or restarts) node {@code i} and returns how long it took to answer CQL. */
  Duration start(int i, Duration within) throws IOException {
    Node n = node(i);
    List<String> args =
        new ArrayList<>(
            List.of(
                "start", "--dir", n.dir().toString(), "--host", n.host(),
                "--port", Integer.toString(n.cqlPort()),
                "--storage-port", Integer.toString(n.storagePort()),
                "--heap", "512M", "--timeout", Long.toString(within.toSeconds())));
    if (nodes.size() > 1) {
      Node seed = node(1);
      args.addAll(List.of("--seeds", seed.host() + ":" + seed.storagePort(), "--cluster-name", "erlmcp-ring"));
    }
    long t0 = System.nanoTime();
    String out = bin(args, within.plusSeconds(60));
    if (out != null) {
      throw new IOException("bin/cassandra could not start node " + i + ":\n" + out);
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** kill -9 of node {@code i}'s JVM (its pid from the node's pidfile); returns the pid. */
  long kill9(int i) throws IOException {
    long pid =
        Long.parseLong(Files.readString(node(i).dir().resolve("cassandra.pid"), StandardCharsets.US_ASCII).trim());
    ProcessHandle handle =
        ProcessHandle.of(pid).orElseThrow(() -> new IOException("Cassandra node " + i + " (pid " + pid + ") is not running"));
    handle.destroyForcibly();
    try {
      handle.onExit().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("Cassandra node " + i + " (pid " + pid + ") did not die on SIGKILL", e);
    }
    return pid;
  }

  /** The last lines of node {@code i}'s system.log, for failure messages. */
  String logTail(int i, int lines) {
    return ErlmcpProcess.tail(node(i).dir().resolve("logs/system.log"), lines);
  }

  /** Stops every node (SIGTERM, then SIGKILL); never throws. */
  @Override
  public void close() {
    for (Node n : nodes) {
      try {
        String out = bin(List.of("stop", "--dir", n.dir().toString()), Duration.ofSeconds(90));
        if (out != null) {
          System.out.println("multijvm: stopping Cassandra node " + n.index() + " failed:\n" + out);
        }
      } catch (IOException | RuntimeException e) {
        System.out.println("multijvm: stopping Cassandra node " + n.index() + ": " + e);
      }
    }
  }

  /** Runs bin/cassandra; null when it exits 0, else its output. */
  private String bin(List<String> args, Duration timeout) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ErlmcpProcess.repoRoot().resolve("bin/cassandra").toString());
    cmd.addAll(args);
    Path log = dir.resolve("bin-cassandra.log");
    ErlmcpProcess.append(log, "==== " + String.join(" ", cmd));
    long before = Files.exists(log) ? Files.size(log) : 0;
    Process p =
        new ProcessBuilder(cmd)
            .directory(ErlmcpProcess.repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
      if (!done) {
        p.destroyForcibly();
      }
      if (done && p.exitValue() == 0) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
  }
}
