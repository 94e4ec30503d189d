package io.erlmcp.multijvm.partition;

import io.erlmcp.chaos.LocalCluster;
import io.erlmcp.chaos.McpHttp;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Session writers for partition tests: each writes unique keys ({@code remember}) into its own
 * session through one node, every 50 ms, and sorts the outcomes: acknowledged, refused (a
 * JSON-RPC error: nothing applied), unknown (no answer: may or may not have applied). {@link
 * #lost} then reads every acknowledged key back.
 */
final class Writers {
  final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // key -> session
  final Map<String, String> unknown = new ConcurrentHashMap<>();
  final AtomicInteger refused = new AtomicInteger();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final List<McpHttp> sessions = new ArrayList<>();
  private final LocalCluster cluster;
  private final HttpClient http;

  interface Call {
    McpHttp.Answer run() throws IOException, InterruptedException;
  }

  /** The answer, or status 0 with no response when the call failed or was interrupted. */
  static McpHttp.Answer quietly(Call c) {
    try {
      return c.run();
    } catch (IOException e) {
      return new McpHttp.Answer(0, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new McpHttp.Answer(0, null);
    }
  }

  /** Starts one writer per entry of {@code nodes}, each with a session on that node. */
  Writers(LocalCluster cluster, HttpClient http, int... nodes) throws IOException, InterruptedException {
    this.cluster = cluster;
    this.http = http;
    for (int w = 0; w < nodes.length; w++) {
      McpHttp c = new McpHttp(http, cluster.mcpUri(nodes[w]), Duration.ofSeconds(5));
      McpHttp.Answer init = c.initialize("writer-" + w);
      if (!init.ok()) {
        throw new IOException("writer " + w + " could not initialize on node " + nodes[w] + ": " + init);
      }
      sessions.add(c);
      int id = w;
      Thread t =
          new Thread(
              () -> {
                int seq = 0;
                while (writing.get()) {
                  String key = "w" + id + "-" + seq++;
                  McpHttp.Answer a = quietly(() -> c.remember(key, key + "=v"));
                  if (a.ok() && !a.toolError()) {
                    acknowledged.put(key, c.sessionId());
                  } else if (a.status() == 0 || a.response() == null) {
                    unknown.put(key, c.sessionId());
                  } else {
                    refused.incrementAndGet();
                  }
                  try {
                    Thread.sleep(50);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "writer-" + w);
      t.start();
      threads.add(t);
    }
  }

  void stop() throws InterruptedException {
    writing.set(false);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  /**
   * Reads every acknowledged key back in its session through {@code viaNode} (any node serves any
   * session) and returns the keys whose value did not come back, each with the answer.
   */
  List<String> lost(int viaNode) {
    List<String> out = new ArrayList<>();
    for (McpHttp c : sessions) {
      McpHttp reader =
          new McpHttp(http, cluster.mcpUri(viaNode), Duration.ofSeconds(10)).withSession(c.sessionId());
      for (Map.Entry<String, String> e : acknowledged.entrySet()) {
        if (!e.getValue().equals(c.sessionId())) {
          continue;
        }
        McpHttp.Answer r = quietly(() -> reader.recall(e.getKey()));
        if (!(e.getKey() + "=v").equals(r.text())) {
          out.add(e.getKey() + ": " + r);
        }
      }
    }
    return out;
  }

  /**
   * Waits until {@code node} takes a new session and a session write ({@code initialize}, then
   * {@code logging/setLevel}); returns the last answers when it does not within {@code timeout},
   * null when it does. A node just back from a partition may first have to recover shards.
   */
  static String awaitReadWrite(LocalCluster cluster, HttpClient http, int node, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      McpHttp c = new McpHttp(http, cluster.mcpUri(node), Duration.ofSeconds(10));
      McpHttp.Answer a = quietly(() -> c.initialize("after-heal"));
      McpHttp.Answer l =
          a.ok()
              ? quietly(() -> c.request("logging/setLevel", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("level", "info")))
              : a;
      if (a.ok() && l.ok()) {
        return null;
      }
      last = a + " / " + l;
      Thread.sleep(500);
    }
    return last;
  }

  String summary() {
    return "acknowledged=" + acknowledged.size() + " unknown=" + unknown.size() + " refused=" + refused.get();
  }
}
