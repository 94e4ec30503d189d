package io.erlmcp.multijvm.partition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.erlmcp.chaos.LocalCluster;
import io.erlmcp.chaos.McpHttp;
import io.erlmcp.multijvm.Writers;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Three erlmcp JVMs, each in its own network namespace, on one Cassandra; a real 2|1 partition
 * (iptables DROP between node addresses, scripts/netns.sh). Needs root and network namespaces;
 * skips with the reason printed otherwise.
 */
@Tag("partition")
class MinorityPartitionTest {
  static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static LocalCluster cluster;
  static final HttpClient HTTP = McpHttp.newHttpClient();

  @BeforeAll
  static void startCluster() throws Exception {
    String reason = LocalCluster.netnsUnavailableReason(ROOT);
    if (reason != null) {
      System.out.println("MinorityPartitionTest skipped: " + reason);
    }
    Assumptions.assumeTrue(reason == null, () -> "no real partitions here: " + reason);
    cluster =
        new LocalCluster(
            ROOT, ROOT.resolve("var/partition-test"), LocalCluster.Placement.NETNS, 3, 0, "256m");
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "partition-test-cleanup"));
    cluster.startInfrastructure();
    cluster.startAll();
    cluster.awaitReady(Duration.ofSeconds(120), cluster.all());
    cluster.awaitMembers(1, 3, Duration.ofSeconds(60));
    cluster.warmUp(Duration.ofSeconds(120), cluster.all());
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  McpHttp client(int node) {
    return new McpHttp(HTTP, cluster.mcpUri(node), TIMEOUT);
  }

  static McpHttp.Answer quietly(Writers.Call c) {
    return Writers.quietly(c);
  }

  static void log(String s) {
    System.out.printf("[%tT.%<tL] %s%n", System.currentTimeMillis(), s);
  }

  @Test
  void partitionTwoOneFreezesMinorityWritesThenSbrDownsItAndItRejoinsWithoutLosingWrites()
      throws Exception {
    // Sessions on every node before the partition.
    McpHttp minority = client(3);
    assertTrue(minority.initialize("minority").ok());
    McpHttp majority = client(1);
    assertTrue(majority.initialize("majority").ok());

    // Writers: unique keys through the majority nodes, before, during and after the partition.
    Writers writers = new Writers(cluster::mcpUri, HTTP, 1, 2, 1, 2);
    Thread.sleep(2000);

    log("partition 1,2 | 3");
    long cut = System.nanoTime();
    cluster.partition("1,2", "3");

    // The minority freezes writes once it marks the others unreachable (about 3-5 s).
    McpHttp.Answer w = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      w = quietly(() -> minority.request("logging/setLevel", JSON.createObjectNode().put("level", "info")));
      if (w.errorCode() == -32010) {
        break;
      }
      Thread.sleep(200);
    }
    long frozenMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    log("minority read_only after " + frozenMs + " ms: " + w);
    assertEquals(-32010, w.errorCode(), "logging/setLevel on the minority: " + w);
    assertEquals("read_only", w.response().path("error").path("data").path("mode").asText());
    assertTrue(cluster.alive(3), "SBR has not decided yet");

    // Reads still answer on the minority; every write is refused with -32010.
    McpHttp.Answer echo = quietly(() -> minority.echo("still here"));
    McpHttp.Answer list = quietly(() -> minority.request("tools/list", JSON.createObjectNode()));
    McpHttp.Answer sub =
        quietly(
            () ->
                minority.request(
                    "resources/subscribe", JSON.createObjectNode().put("uri", "hello://greeting")));
    McpHttp fresh = client(3);
    McpHttp.Answer init = quietly(() -> fresh.initialize("during-partition"));
    String ready = cluster.get(cluster.managementUri(3, "/ready"));
    String members = cluster.get(cluster.managementUri(3, "/cluster/members"));
    String status = cluster.get(cluster.managementUri(3, "/status"));
    log("minority echo=" + echo + " list.ok=" + list.ok() + " subscribe=" + sub.errorCode()
        + " initialize=" + init.errorCode() + " ready=" + ready + " status=" + status);
    assertEquals("still here", echo.text(), "tools/call echo on the minority: " + echo);
    assertTrue(list.ok(), "tools/list on the minority: " + list);
    assertEquals(-32010, sub.errorCode(), "resources/subscribe on the minority: " + sub);
    assertEquals(-32010, init.errorCode(), "initialize on the minority: " + init);
    assertTrue(ready.startsWith("200"), "a read-only node stays ready for reads: " + ready);
    assertTrue(members.contains("\"unreachable\":[{"), "minority sees unreachable members: " + members);
    if (status.startsWith("200")) {
      assertTrue(status.contains("read_only"), "/status on the minority: " + status);
    }

    // The majority keeps serving reads. Writes to a session whose shard was hosted by the
    // minority node wait until the SBR downs that node and the shard moves (stable-after 4 s
    // after detection, then the 0.5 s removal margin): measured here, bounded by 30 s after the cut.
    McpHttp.Answer majR = quietly(() -> majority.echo("majority"));
    assertEquals("majority", majR.text(), "echo on the majority: " + majR);
    McpHttp.Answer majW = null;
    long majDeadline = cut + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < majDeadline) {
      majW =
          quietly(() -> majority.request("logging/setLevel", JSON.createObjectNode().put("level", "info")));
      if (majW.ok()) {
        break;
      }
    }
    log("majority echo=" + majR.text() + "; setLevel ok " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut)
        + " ms after the cut: " + majW);
    assertTrue(majW != null && majW.ok(), "logging/setLevel on the majority: " + majW);

    // SBR (keep-majority, stable-after 4 s) downs the minority, whose JVM then exits.
    Process p3 = cluster.process(3);
    assertTrue(p3.waitFor(40, TimeUnit.SECONDS), "the minority node did not shut down after SBR");
    long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cut);
    log("minority exited (" + p3.exitValue() + ") " + downMs + " ms after the cut");
    assertEquals(3, p3.exitValue(), "serve exits 3 when its node was downed; see " + cluster.log(3));

    cluster.heal();
    log("healed; restarting node 3");
    cluster.startNode(3);
    cluster.awaitReady(Duration.ofSeconds(120), 3);
    cluster.awaitMembers(1, 3, Duration.ofSeconds(60));
    cluster.awaitMembers(3, 3, Duration.ofSeconds(60));
    cluster.warmUp(Duration.ofSeconds(120), 3);
    Thread.sleep(1000);
    writers.stop();

    // After the heal every node is read_write again.
    for (int i = 1; i <= 3; i++) {
      String failed = Writers.awaitReadWrite(cluster, HTTP, i, Duration.ofSeconds(60));
      assertEquals(null, failed, "node " + i + " read_write after the heal");
    }

    // No acknowledged write lost.
    List<String> lost = writers.lost(1);
    log("writes: " + writers.summary() + " lost=" + lost.size() + " " + lost);
    assertFalse(writers.acknowledged.isEmpty());
    assertEquals(List.of(), lost, "acknowledged writes lost");
  }
}
