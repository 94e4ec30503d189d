package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The TCP and WebSocket transports against a scripted server on a real socket: requests,
 * progress, a server-to-client request, an invalid message from the server (ignored), and the
 * server hanging up (pending and later requests fail with {@link McpTransportException}).
 */
class TcpAndWebSocketTest {

  private static McpClient.Builder builder(boolean websocket, ScriptedPeer peer) {
    McpClient.Builder b =
        websocket
            ? McpClient.websocket("ws://127.0.0.1:" + peer.port() + "/ws")
            : McpClient.tcp("127.0.0.1", peer.port());
    return b.requestTimeout(Duration.ofSeconds(10))
        .roots(p -> {
          ObjectNode r = Json.object();
          r.putArray("roots").addObject().put("uri", "file:///scripted");
          return CompletableFuture.completedFuture(r);
        });
  }

  @ParameterizedTest(name = "websocket={0}")
  @ValueSource(booleans = {false, true})
  void requestsProgressServerRequestsAndBadInput(boolean websocket) throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(websocket); McpClient c = builder(websocket, peer).build()) {
      assertEquals("scripted", c.connect().join().name());
      if (websocket) {
        assertEquals("mcp", peer.offeredSubprotocol);
      }
      assertTrue(c.ping().join().isObject());
      JsonNode echo = c.callTool("echo", Json.object().put("text", "über ✓")).join();
      assertEquals("über ✓", AbstractEverythingTest.text(echo));
      List<RequestOptions.Progress> seen = new CopyOnWriteArrayList<>();
      JsonNode noisy = c.callTool("noisy", Json.object(), RequestOptions.progress(seen::add)).join();
      assertEquals("roots: [{\"uri\":\"file:///scripted\"}]", AbstractEverythingTest.text(noisy));
      assertEquals(1, seen.size());
      assertEquals(2.0, seen.get(0).total());
      CompletionException unknown = assertThrows(CompletionException.class, () -> c.listPrompts().join());
      assertEquals(-32601, assertInstanceOf(McpErrorException.class, unknown.getCause()).code());
    }
  }

  @ParameterizedTest(name = "websocket={0}")
  @ValueSource(booleans = {false, true})
  void theServerHangingUpFailsPendingAndLaterRequests(boolean websocket) throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(websocket); McpClient c = builder(websocket, peer).build()) {
      c.connect().join();
      CompletionException e = assertThrows(CompletionException.class, () -> c.callTool("hangup", Json.object()).join());
      assertInstanceOf(McpTransportException.class, e.getCause());
      CompletionException later = assertThrows(CompletionException.class, () -> c.ping().join());
      assertInstanceOf(McpTransportException.class, later.getCause());
    }
  }

  @ParameterizedTest(name = "websocket={0}")
  @ValueSource(booleans = {false, true})
  void cancellingOrTimingOutSendsNotificationsCancelledForThatRequest(boolean websocket) throws Exception {
    try (ScriptedPeer peer = new ScriptedPeer(websocket); McpClient c = builder(websocket, peer).build()) {
      c.connect().join();
      CompletableFuture<JsonNode> slow = c.callTool("slow", Json.object());
      c.ping().join(); // the call has reached the server
      assertTrue(slow.cancel(true));
      JsonNode first = peer.cancelled.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(first != null, "no notifications/cancelled after cancel()");
      assertEquals("cancelled by the client", first.path("reason").asText());
      CompletableFuture<JsonNode> timed = c.callTool("slow", Json.object(), RequestOptions.timeout(Duration.ofMillis(200)));
      CompletionException e = assertThrows(CompletionException.class, timed::join);
      assertInstanceOf(McpTimeoutException.class, e.getCause());
      JsonNode second = peer.cancelled.poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertTrue(second != null, "no notifications/cancelled after the timeout");
      assertTrue(second.path("reason").asText().startsWith("timed out"), second.toString());
      // two different requests were cancelled, each by its own id
      assertTrue(!first.path("requestId").equals(second.path("requestId")), first + " " + second);
      assertTrue(c.ping().join().isObject());
    }
  }
}
