package io.erlmcp.http;

import static io.erlmcp.transport.Mcp.initialize;
import static io.erlmcp.transport.Mcp.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** MCP over WebSocket with a real client: sessions, server requests, limits and close codes. */
class WebSocketTransportTest {
  private static final int MAX_MESSAGE = 8 * 1024;
  private static final int MAX_CONNECTIONS = 4;
  private static TestNode node;
  private static URI ws;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            "ws-test",
            "erlmcp.websocket.max-message-size = " + MAX_MESSAGE
                + "\nerlmcp.websocket.max-connections = " + MAX_CONNECTIONS
                + "\nerlmcp.websocket.outgoing-buffer = 16"
                + "\nerlmcp.websocket.idle-timeout = 4s"
                + "\nerlmcp.websocket.keep-alive = 1s"
                + "\nerlmcp.websocket.close-timeout = 3s\n");
    ws = URI.create("ws://127.0.0.1:" + node.uri.getPort() + "/ws");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Each test starts with no connection of an earlier one still counted against the bound. */
  @BeforeEach
  void noConnectionsLeft() throws InterruptedException {
    waitForConnections(0);
  }

  /** Connects and initializes a session; the handshake must have selected subprotocol mcp. */
  private static WsClient session(String name) throws Exception {
    WsClient c = WsClient.connect(http, ws);
    assertEquals("mcp", c.ws.getSubprotocol());
    c.initialize(name);
    return c;
  }

  @Test
  void aSessionOverOneSocketCallsToolsAndAnswersServerRequests() throws Exception {
    try (WsClient c = session("ws-basic")) {
      c.send(toolCall(1, "echo", Json.object().put("text", "over websocket")));
      assertEquals("over websocket", TestServer.textOf(c.response(1)).asText());

      // notifications of a request come down the same socket before its response
      c.send(toolCall(2, "notify", Json.object().put("count", 3)));
      List<String> logs = new ArrayList<>();
      JsonNode m;
      while (!(m = c.read()).has("id")) {
        logs.add(m.path("params").path("data").asText());
      }
      assertEquals(List.of("message 1", "message 2", "message 3"), logs);
      assertEquals("done 3", TestServer.textOf(m).asText());

      // sampling: the server asks the client on the socket, the client answers on it
      c.samplingRoundTrip(3, "from the client");
    }
  }

  @Test
  @Tag("interop") // node and tools/js (tools/js/setup.sh)
  void theOfficialTypeScriptWebSocketClientTransportWorks() throws Exception {
    NodeSdkClient.assertFullSession("websocket", NodeSdkClient.run("websocket", ws.toString()));
  }

  @Test
  void malformedJsonIsAnsweredAndTheConnectionStays() throws Exception {
    try (WsClient c = session("ws-bad-json")) {
      c.malformedJsonThenPing(4);
    }
  }

  @Test
  void aMessageOverTheLimitClosesWith1009AndOtherSessionsCarryOn() throws Exception {
    try (WsClient other = session("ws-bystander"); WsClient big = session("ws-big")) {
      // exactly at the limit is accepted (answered: not a valid request, but read)
      String atLimit = "\"" + "x".repeat(MAX_MESSAGE - 2) + "\"";
      assertEquals(MAX_MESSAGE, atLimit.length());
      big.send(atLimit);
      assertEquals(-32600, big.read().path("error").path("code").asInt());
      big.send("\"" + "x".repeat(MAX_MESSAGE - 1) + "\"");
      String close = big.awaitClose();
      assertTrue(close.startsWith("1009 "), close);
      assertTrue(close.contains(String.valueOf(MAX_MESSAGE)), close);

      other.send(toolCall(5, "echo", Json.object().put("text", "still here")));
      assertEquals("still here", TestServer.textOf(other.response(5)).asText());
    }
  }

  @Test
  void aBinaryMessageClosesWith1003() throws Exception {
    try (WsClient c = WsClient.connect(http, ws)) {
      c.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
      String close = c.awaitClose();
      assertTrue(close.startsWith("1003 "), close);
    }
  }

  @Test
  void aClientThatDoesNotReadIsCutOffWith1008() throws Exception {
    {
      WsClient stalled = WsClient.connect(http, ws, false, "mcp");
      try {
        stalled.send(initialize(0, "ws-stalled"));
        // ~4 MB of notifications: far more than the socket buffers and the 16-message queue
        stalled.send(toolCall(1, "notify", Json.object().put("count", 40_000)));
        Thread.sleep(1500);
        stalled.startReading();
        String close = stalled.awaitClose();
        assertTrue(close.startsWith("1008 "), close);
        assertTrue(close.contains("outgoing buffer full"), close);
        // what it received is bounded: far fewer than the 40 000 notifications sent
        assertTrue(stalled.messages.size() < 40_000, "got " + stalled.messages.size());
      } finally {
        stalled.close();
      }
    }
  }

  @Test
  void anAbruptDisconnectCancelsItsRequestsOnlyAndOthersCarryOn() throws Exception {
    try (WsClient other = session("ws-other")) {
      WsClient gone = session("ws-gone");
      io.erlmcp.transport.MessageClient.abruptDisconnect(gone, gone.ws::abort, other, node.server, 7);
    }
  }

  @Test
  void connectionsBeyondTheBoundAreRefusedWith503() throws Exception {
    List<WsClient> open = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        open.add(WsClient.connect(http, ws));
      }
      CompletionException e =
          assertThrows(CompletionException.class, () -> WsClient.connect(http, ws));
      assertTrue(e.getCause() instanceof WebSocketHandshakeException, e.toString());
      assertEquals(503, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
      // one closes: a new one is accepted again
      open.remove(0).ws.sendClose(1000, "bye").join();
      waitForConnections(MAX_CONNECTIONS - 1);
      open.add(WsClient.connect(http, ws));
    } finally {
      open.forEach(WsClient::close);
    }
  }

  @Test
  void anIdleConnectionIsPingedThenClosedWith1001() throws Exception {
    try (WsClient c = session("ws-idle")) {
      String close = c.awaitClose();
      // keep-alive 1 s, idle timeout 4 s: pings came, and did not count as activity
      assertTrue(c.pings.get() >= 2, "pings: " + c.pings.get());
      assertTrue(close.startsWith("1001 "), close);
      assertTrue(close.contains("idle"), close);
    }
  }

  @Test
  void anUnknownSubprotocolIsRefused() {
    CompletionException e =
        assertThrows(
            CompletionException.class, () -> WsClient.connect(http, ws, true, "graphql-ws"));
    assertNotNull(e.getCause());
    assertEquals(400, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
  }

  @Test
  void aBrowserOriginOutsideTheAllowListIsRefused() {
    CompletionException e =
        assertThrows(
            CompletionException.class,
            () ->
                http.newWebSocketBuilder()
                    .header("Origin", "https://evil.example")
                    .subprotocols("mcp")
                    .buildAsync(ws, new java.net.http.WebSocket.Listener() {})
                    .join());
    assertEquals(403, ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode());
  }

  private static void waitForConnections(int n) throws InterruptedException {
    TestNode.awaitAtMost(node.webSocket()::openConnections, n, "WebSocket connections");
  }
}
