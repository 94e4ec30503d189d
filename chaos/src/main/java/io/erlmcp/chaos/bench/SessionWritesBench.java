package io.erlmcp.chaos.bench;

import io.erlmcp.chaos.LocalCluster;
import io.erlmcp.chaos.McpHttp;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Persisted session writes on a local 3-node erlmcp cluster (one Cassandra): {@code clients}
 * concurrent MCP clients, each with its own session opened on node {@code c % 3 + 1}, call
 * {@code remember} (one journaled event, acknowledged only once Cassandra has it) with a new key
 * back to back. After a warm-up, prints writes/s and the latency percentiles of acknowledged
 * writes, and errors (no answer within 10 s, or a JSON-RPC error).
 *
 * <pre>
 * SessionWritesBench [--clients 50] [--duration 30] [--warmup 15] [--port-base 29000] [--heap 256m]
 * </pre>
 *
 * Run by {@code bench/session-writes.sh}; it uses {@code erlmcp.home} (or the working directory)
 * as the checkout and {@code var/bench-session-writes} for the nodes' logs and Cassandra.
 */
public final class SessionWritesBench {

  private SessionWritesBench() {}

  public static void main(String[] args) throws Exception {
    int clients = 50;
    int duration = 30;
    int warmup = 15;
    int portBase = 29000;
    String heap = "256m";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(args[++i]);
        case "--duration" -> duration = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--port-base" -> portBase = Integer.parseInt(args[++i]);
        case "--heap" -> heap = args[++i];
        default -> {
          System.err.println("unknown option " + args[i]);
          System.exit(2);
        }
      }
    }
    Path root = Path.of(System.getProperty("erlmcp.home", System.getProperty("user.dir")));
    int code;
    try (LocalCluster cluster =
        new LocalCluster(
            root, root.resolve("var/bench-session-writes"), LocalCluster.Placement.LOOPBACK, 3,
            portBase, heap)) {
      log("starting Cassandra and 3 erlmcp nodes (logs in var/bench-session-writes)");
      cluster.startInfrastructure();
      cluster.startAll();
      cluster.awaitReady(Duration.ofSeconds(240), cluster.all());
      cluster.awaitMembers(1, 3, Duration.ofSeconds(120));
      cluster.warmUp(Duration.ofSeconds(180), cluster.all());
      code = run(cluster, clients, Duration.ofSeconds(warmup), Duration.ofSeconds(duration));
    }
    // The HTTP client's threads must not keep a finished benchmark alive.
    System.exit(code);
  }

  private static int run(LocalCluster cluster, int clients, Duration warmup, Duration duration)
      throws InterruptedException, IOException {
    HttpClient http = McpHttp.newHttpClient();
    List<McpHttp> sessions = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      McpHttp m = new McpHttp(http, cluster.mcpUri(c % 3 + 1), Duration.ofSeconds(10));
      McpHttp.Answer a = m.initialize("bench-" + c);
      if (!a.ok()) {
        throw new IOException("client " + c + " could not initialize: " + a);
      }
      sessions.add(m);
    }
    log("sessions open; warm-up " + warmup.toSeconds() + " s, then " + duration.toSeconds() + " s measured");
    long start = System.nanoTime();
    long from = start + warmup.toNanos();
    long until = from + duration.toNanos();
    long[][] latencies = new long[clients][];
    AtomicInteger errors = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      McpHttp m = sessions.get(c);
      int id = c;
      Thread t =
          new Thread(
              () -> {
                long[] mine = new long[1024];
                int n = 0;
                int seq = 0;
                while (System.nanoTime() < until) {
                  String key = "b" + id + "-" + seq++;
                  long sent = System.nanoTime();
                  boolean ok;
                  try {
                    McpHttp.Answer a = m.remember(key, key);
                    ok = a.ok() && !a.toolError();
                  } catch (IOException e) {
                    ok = false;
                  } catch (InterruptedException e) {
                    return;
                  }
                  long done = System.nanoTime();
                  if (sent < from || done > until) {
                    continue;
                  }
                  if (!ok) {
                    errors.incrementAndGet();
                    continue;
                  }
                  if (n == mine.length) {
                    mine = Arrays.copyOf(mine, n * 2);
                  }
                  mine[n++] = done - sent;
                }
                latencies[id] = Arrays.copyOf(mine, n);
              },
              "writer-" + c);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
    double seconds = duration.toNanos() / 1e9;
    System.out.printf(
        Locale.ROOT,
        "session writes: clients=%d nodes=3 duration=%.0fs writes=%d writes_per_s=%.1f p50_ms=%.2f"
            + " p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d load_average=%s%n",
        clients, seconds, all.length, all.length / seconds, pct(all, 50), pct(all, 90), pct(all, 99),
        all.length == 0 ? 0 : all[all.length - 1] / 1e6, errors.get(), loadAverage());
    return all.length == 0 ? 1 : 0;
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + "," + f[1] + "," + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static void log(String line) {
    System.out.printf("[%tT] %s%n", System.currentTimeMillis(), line);
  }
}
