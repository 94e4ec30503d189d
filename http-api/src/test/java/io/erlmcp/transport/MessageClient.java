package io.erlmcp.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.http.TestServer;
import io.erlmcp.runtime.Json;

/**
 * A test client of a message-channel transport (WebSocket, TCP): whole JSON-RPC messages each
 * way. The conversations every such transport must hold are default methods.
 */
public interface MessageClient {
  void send(String message) throws Exception;

  /** The next message, parsed (fails the test after 10 s). */
  JsonNode read() throws InterruptedException;

  /** The next message that is the response with this id (notifications before it skipped). */
  default JsonNode response(int id) throws InterruptedException {
    while (true) {
      JsonNode n = read();
      if (n.path("id").asInt(-1) == id && !n.has("method")) {
        return n;
      }
    }
  }

  /** initialize (2025-11-25, id 0) and notifications/initialized; the negotiated revision. */
  default void initialize(String name) throws Exception {
    send(Mcp.initialize(0, name));
    JsonNode r = response(0);
    assertEquals("2025-11-25", r.path("result").path("protocolVersion").asText(), r.toString());
    send(Mcp.INITIALIZED);
  }

  /** The test server's sample tool asks the client on the channel; the client answers on it. */
  default void samplingRoundTrip(int id, String text) throws Exception {
    send(Mcp.toolCall(id, "sample", Json.object().put("prompt", "hi")));
    JsonNode ask = read();
    assertEquals("sampling/createMessage", ask.path("method").asText(), ask.toString());
    ObjectNode answer = Json.object().put("role", "assistant").put("model", "test");
    answer.putObject("content").put("type", "text").put("text", text);
    send(Mcp.result(ask.get("id"), answer));
    assertEquals("sampled: " + text, TestServer.textOf(response(id)).asText());
  }

  /** The echo tool answers on this channel. */
  default void echo(int id, String text) throws Exception {
    send(Mcp.toolCall(id, "echo", Json.object().put("text", text)));
    assertEquals(text, TestServer.textOf(response(id)).asText());
  }

  /**
   * A channel dropped by {@code abort} while its slow request runs: the request is cancelled,
   * and {@code other}'s session is untouched.
   */
  static void abruptDisconnect(
      MessageClient gone, Abort abort, MessageClient other, TestServer server, int id)
      throws Exception {
    gone.send(Mcp.toolCall(id, "slow", Json.object().put("ms", 20_000)));
    awaitEntry(server.slowStarted, String.valueOf(id));
    abort.run();
    awaitEntry(server.slowCancelled, String.valueOf(id));
    other.echo(id + 1, "unaffected");
  }

  /** Waits up to 10 s for {@code entry} in a queue other tests' entries may share. */
  private static void awaitEntry(java.util.concurrent.BlockingQueue<String> q, String entry)
      throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      String e = q.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
      if (entry.equals(e)) {
        return;
      }
    }
    throw new AssertionError("no '" + entry + "' within 10 s");
  }

  /** Drops a connection. */
  interface Abort {
    void run() throws Exception;
  }

  /** Malformed JSON is answered -32700 and the channel stays usable. */
  default void malformedJsonThenPing(int id) throws Exception {
    send("{not json");
    assertEquals(-32700, read().path("error").path("code").asInt());
    send(Mcp.req(id, "ping", null));
    assertTrue(response(id).has("result"));
  }
}
