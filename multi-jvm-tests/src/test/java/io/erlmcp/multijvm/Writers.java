package io.erlmcp.multijvm;

import io.erlmcp.chaos.LocalCluster;
import io.erlmcp.chaos.McpHttp;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Session writers for the multi-JVM tests: each writes unique keys ({@code remember}) into its
 * own session through one node, every 50 ms, and sorts the outcomes: acknowledged, refused (a
 * JSON-RPC error: nothing applied), unknown (no answer: may or may not have applied). {@link
 * #history} keeps every write with its times, for rates and gaps around a failure; {@link #lost}
 * then reads every acknowledged key back.
 */
public final class Writers {
  public final Map<String, String> acknowledged = new ConcurrentHashMap<>(); // key -> session
  public final Map<String, String> unknown = new ConcurrentHashMap<>();
  public final AtomicInteger refused = new AtomicInteger();
  public final Queue<Write> history = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean writing = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();
  private final List<McpHttp> sessions = new CopyOnWriteArrayList<>();
  private final IntFunction<URI> mcpUri;
  private final HttpClient http;

  /** What became of a write. */
  public enum Outcome {
    ACKNOWLEDGED,
    REFUSED,
    UNKNOWN
  }

  /**
   * One write: its key, session, when it was sent and answered (System.nanoTime), outcome, and
   * the answer unless it was acknowledged.
   */
  public record Write(
      String key, String session, long sentNanos, long answeredNanos, Outcome outcome, String answer) {}

  /**
   * A writer moves to a new session (on the same node) after this many keys: erlmcp keeps at most
   * {@code erlmcp.session.max-data-keys} (1024) keys per session and refuses more.
   */
  static final int KEYS_PER_SESSION = 500;

  public interface Call {
    McpHttp.Answer run() throws IOException, InterruptedException;
  }

  /** The answer, or status 0 with no response when the call failed or was interrupted. */
  public static McpHttp.Answer quietly(Call c) {
    try {
      return c.run();
    } catch (IOException e) {
      return new McpHttp.Answer(0, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new McpHttp.Answer(0, null);
    }
  }

  /**
   * Starts one writer per entry of {@code nodes}, each with a session on that node; {@code
   * mcpUri} gives a node's MCP endpoint (e.g. {@code LocalCluster::mcpUri}).
   */
  public Writers(IntFunction<URI> mcpUri, HttpClient http, int... nodes)
      throws IOException, InterruptedException {
    this.mcpUri = mcpUri;
    this.http = http;
    for (int w = 0; w < nodes.length; w++) {
      McpHttp first = open(nodes[w], w);
      int id = w;
      int node = nodes[w];
      Thread t =
          new Thread(
              () -> {
                McpHttp c = first;
                int seq = 0;
                while (writing.get()) {
                  if (seq > 0 && seq % KEYS_PER_SESSION == 0) {
                    try {
                      c = open(node, id);
                    } catch (IOException e) {
                      // keep the session it has; the next key tries again
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  McpHttp session = c;
                  String key = "w" + id + "-" + seq++;
                  long sent = System.nanoTime();
                  McpHttp.Answer a = quietly(() -> session.remember(key, key + "=v"));
                  Outcome outcome;
                  if (a.ok() && !a.toolError()) {
                    acknowledged.put(key, session.sessionId());
                    outcome = Outcome.ACKNOWLEDGED;
                  } else if (a.status() == 0 || a.response() == null) {
                    unknown.put(key, session.sessionId());
                    outcome = Outcome.UNKNOWN;
                  } else {
                    refused.incrementAndGet();
                    outcome = Outcome.REFUSED;
                  }
                  history.add(
                      new Write(
                          key, session.sessionId(), sent, System.nanoTime(), outcome,
                          outcome == Outcome.ACKNOWLEDGED ? null : a.toString()));
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

  /** A new session on {@code node} for writer {@code w}. */
  private McpHttp open(int node, int w) throws IOException, InterruptedException {
    McpHttp c = new McpHttp(http, mcpUri.apply(node), Duration.ofSeconds(5));
    McpHttp.Answer init = c.initialize("writer-" + w);
    if (!init.ok()) {
      throw new IOException("writer " + w + " could not initialize on node " + node + ": " + init);
    }
    sessions.add(c);
    return c;
  }

  /** The writers' session ids, in the order they were opened (first one per writer first). */
  public List<String> sessionIds() {
    return sessions.stream().map(McpHttp::sessionId).toList();
  }

  public void stop() throws InterruptedException {
    writing.set(false);
    for (Thread t : threads) {
      t.join(10_000);
    }
  }

  /**
   * Reads every acknowledged key back in its session through {@code viaNode} (any node serves any
   * session) and returns the keys whose value did not come back, each with the answer.
   */
  public List<String> lost(int viaNode) {
    List<String> out = new CopyOnWriteArrayList<>();
    // One reader per session, all at once: thousands of keys, read one by one, take minutes.
    List<Thread> readers = new ArrayList<>();
    for (McpHttp c : sessions) {
      McpHttp reader =
          new McpHttp(http, mcpUri.apply(viaNode), Duration.ofSeconds(10)).withSession(c.sessionId());
      Thread t =
          new Thread(
              () -> {
                for (Map.Entry<String, String> e : acknowledged.entrySet()) {
                  if (!e.getValue().equals(c.sessionId())) {
                    continue;
                  }
                  McpHttp.Answer r = quietly(() -> reader.recall(e.getKey()));
                  if (!(e.getKey() + "=v").equals(r.text())) {
                    out.add(e.getKey() + ": " + r);
                  }
                }
              },
              "reader-" + c.sessionId());
      t.start();
      readers.add(t);
    }
    for (Thread t : readers) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        out.add("interrupted while reading back");
        break;
      }
    }
    return out;
  }

  /**
   * The writers' keys that are not in the journal as they should be: an acknowledged key not
   * exactly once, any key more than once (a write the client gave up on may be there once).
   */
  public List<String> notExactlyOnce(JournalReader journal) {
    List<String> wrong = new ArrayList<>();
    for (String sid : sessionIds()) {
      Map<String, Integer> keys = journal.dataPutKeys(sid);
      acknowledged.forEach(
          (key, session) -> {
            if (session.equals(sid) && keys.getOrDefault(key, 0) != 1) {
              wrong.add(key + " acknowledged, in the journal " + keys.getOrDefault(key, 0) + " times");
            }
          });
      keys.forEach(
          (key, count) -> {
            if (count > 1) {
              wrong.add(key + " in the journal " + count + " times");
            }
          });
    }
    return wrong;
  }

  /**
   * Waits until {@code node} takes a new session and a session write ({@code initialize}, then
   * {@code logging/setLevel}); returns the last answers when it does not within {@code timeout},
   * null when it does. A node just back from a partition may first have to recover shards.
   */
  public static String awaitReadWrite(LocalCluster cluster, HttpClient http, int node, Duration timeout)
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

  public String summary() {
    return "acknowledged=" + acknowledged.size() + " unknown=" + unknown.size() + " refused=" + refused.get();
  }
}
