package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_BATCH;
import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.notification;
import static io.erlmcp.http.McpClient.request;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions, response shapes, the standalone GET stream and DELETE over real sockets. */
class StreamableHttpSessionTest {
  private static TestNode node;
  private static McpClient client;

  @BeforeAll
  static void start() {
    // A short keep-alive: the server notices a dropped idle stream at its next write.
    node = TestNode.start("http-session-test", "erlmcp.http.sse-keep-alive = 300ms");
    client = new McpClient(node.uri);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  // ------------------------------------------------------------------ initialize

  @Test
  void initializeAnswersJsonWithARandomVisibleAsciiSessionIdAndTheNegotiatedVersion() {
    Set<String> ids = new HashSet<>();
    for (String requested : List.of(V_LATEST, V_BATCH, "2025-06-18", "2099-01-01")) {
      HttpResponse<String> r = client.initializeRaw(requested);
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
      String sid = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
      // Visible ASCII only (0x21..0x7E), and at least 128 bits: 22 base64url characters.
      assertTrue(sid.chars().allMatch(c -> c >= 0x21 && c <= 0x7E), sid);
      assertTrue(sid.matches("[A-Za-z0-9_-]{22,}"), sid);
      assertTrue(ids.add(sid), "session ids repeat");
      JsonNode result = McpClient.body(r).path("result");
      String expected = requested.equals("2099-01-01") ? V_LATEST : requested;
      assertEquals(expected, result.path("protocolVersion").asText(), r.body());
      assertEquals("test-server", result.path("serverInfo").path("name").asText());
    }
    for (int i = 0; i < 20; i++) {
      String sid = client.initializeRaw(V_LATEST).headers().firstValue("Mcp-Session-Id").orElseThrow();
      assertTrue(ids.add(sid), "session ids repeat");
    }
  }

  @Test
  void initializeCarryingASessionIdIsRejected400() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r =
        client.post(s, request(1, "initialize", McpClient.initParams(V_LATEST)));
    assertEquals(400, r.statusCode(), r.body());
    assertEquals(-32600, McpClient.body(r).path("error").path("code").asInt());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
    client.assertAlive(s);
  }

  // ------------------------------------------------------------------ response shapes

  @Test
  void plainRequestIsAnsweredWithJson() {
    McpClient.Session s = client.initialize(V_LATEST);
    JsonNode r = client.call(s, toolCall(1, "echo", Json.object().put("text", "hello"), null));
    assertEquals(1, r.path("id").asInt());
    assertEquals("hello", TestServer.textOf(r).asText());
  }

  @Test
  void requestThatNotifiesIsAnsweredWithAnOrderedEventStreamStartingWithAPrimingEvent() {
    McpClient.Session s = client.initialize(V_LATEST);
    try (Sse sse = client.postSse(s, toolCall(7, "notify", Json.object().put("count", 5), null))) {
      Sse.Event priming = sse.next();
      assertTrue(priming.isPriming(), "first event must be the priming event: " + priming);
      assertNotNull(priming.retry(), "priming event carries retry");
      assertEquals(1000L, priming.retry());
      for (int i = 1; i <= 5; i++) {
        Sse.Event e = sse.next();
        assertNotNull(e.id(), "every event has an id: " + e);
        JsonNode m = e.json();
        assertEquals("notifications/message", m.path("method").asText(), e.toString());
        assertEquals("message " + i, m.path("params").path("data").asText());
      }
      Sse.Event last = sse.next();
      assertNotNull(last.id());
      assertEquals(7, last.json().path("id").asInt());
      assertEquals("done 5", TestServer.textOf(last.json()).asText());
      sse.expectEnd(Duration.ofSeconds(5));
    }
  }

  @Test
  void revision20250326HasNoPrimingEvent() {
    McpClient.Session s = client.initialize(V_BATCH);
    try (Sse sse = client.postSse(s, toolCall(7, "notify", Json.object().put("count", 1), null))) {
      Sse.Event first = sse.next();
      assertFalse(first.isPriming(), first.toString());
      assertEquals("notifications/message", first.json().path("method").asText());
      assertEquals(7, sse.next().json().path("id").asInt());
      sse.expectEnd(Duration.ofSeconds(5));
    }
  }

  @Test
  void eventIdsAreUniqueAcrossTheSessionsStreams() {
    McpClient.Session s = client.initialize(V_LATEST);
    Set<String> ids = new HashSet<>();
    try (Sse get = client.get(s, null)) {
      Sse.Event priming = get.next();
      assertTrue(priming.isPriming());
      assertTrue(ids.add(priming.id()));
      for (int call = 1; call <= 3; call++) {
        try (Sse sse = client.postSse(s, toolCall(call, "notify", Json.object().put("count", 3), null))) {
          for (int i = 0; i < 5; i++) { // priming, 3 notifications, response
            String id = sse.next().id();
            assertNotNull(id);
            assertTrue(ids.add(id), "event id " + id + " repeats; seen " + ids);
          }
          sse.expectEnd(Duration.ofSeconds(5));
        }
        node.mcp().addTool(tool("extra-" + call));
        String id = get.next().id();
        assertNotNull(id);
        assertTrue(ids.add(id), "event id " + id + " repeats; seen " + ids);
      }
    }
    assertEquals(1 + 3 * 5 + 3, ids.size());
  }

  @Test
  void jsonOnlyClientGetsTheNotifyResultAsJsonAndServerRequestsFailCleanly() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r =
        client.post(s, toolCall(3, "notify", Json.object().put("count", 3), null), "application/json");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals("done 3", TestServer.textOf(McpClient.body(r)).asText());

    long start = System.nanoTime();
    HttpResponse<String> sampled =
        client.post(s, toolCall(4, "sample", Json.object().put("prompt", "x"), null), "application/json");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, sampled.statusCode(), sampled.body());
    assertTrue(sampled.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = McpClient.body(sampled);
    assertEquals(4, body.path("id").asInt());
    assertEquals(-32603, body.path("error").path("code").asInt(), body.toString());
    assertTrue(ms < 1500, "failed at once, not after the client-request timeout: " + ms + " ms");
    assertEquals(0, node.edge.pending().size());
  }

  @Test
  void notificationsAndClientResponsesAre202WithEmptyBody() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> n = client.post(s, notification("notifications/roots/list_changed", null));
    assertEquals(202, n.statusCode());
    assertEquals("", n.body());
    HttpResponse<String> resp =
        client.post(s, "{\"jsonrpc\":\"2.0\",\"id\":\"unknown-1\",\"result\":{}}");
    assertEquals(202, resp.statusCode());
    assertEquals("", resp.body());
    HttpResponse<String> err =
        client.post(
            s, "{\"jsonrpc\":\"2.0\",\"id\":\"unknown-2\",\"error\":{\"code\":-1,\"message\":\"no\"}}");
    assertEquals(202, err.statusCode());
    assertEquals("", err.body());
    client.assertAlive(s);
  }

  // ------------------------------------------------------------------ GET stream

  @Test
  void getNeedsAcceptEventStream() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r =
        client.send(client.getBuilder(s, null).setHeader("Accept", "application/json").build());
    assertEquals(406, r.statusCode(), r.body());
    HttpResponse<String> none =
        client.send(
            client.base()
                .GET()
                .header("Mcp-Session-Id", s.id())
                .build());
    assertEquals(406, none.statusCode(), none.body());
  }

  @Test
  void aSecondGetTakesOverTheStandaloneStreamAndTheFirstOneEnds() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    Sse first = client.get(s, null);
    Sse.Event priming = first.next();
    assertTrue(priming.isPriming());
    // A client that lost its connection may reconnect before the server noticed: the newer
    // GET wins at once (no 409), the older connection is ended, messages go to the newer only.
    try (Sse second = client.get(s, null)) {
      Sse.Event p2 = second.next();
      assertTrue(p2.isPriming());
      assertTrue(!p2.id().equals(priming.id()), "a new stream gets a new id");
      first.expectEnd(Duration.ofSeconds(5));
      node.mcp().addTool(tool("after-takeover"));
      JsonNode m = second.nextMessage();
      assertEquals("notifications/tools/list_changed", m.path("method").asText());
    }
    // Resuming the first stream with Last-Event-ID takes over again.
    try (Sse resumed = client.get(s, priming.id())) {
      resumed.expectNothing(Duration.ofMillis(200));
      node.mcp().addTool(tool("after-resume"));
      assertEquals(
          "notifications/tools/list_changed", resumed.nextMessage().path("method").asText());
    }
  }

  @Test
  void toolsListChangedArrivesOnTheGetStream() {
    McpClient.Session s = client.initialize(V_LATEST);
    try (Sse get = client.get(s, null)) {
      assertTrue(get.next().isPriming());
      node.mcp().addTool(tool("runtime-added"));
      JsonNode m = get.nextMessage();
      assertEquals("notifications/tools/list_changed", m.path("method").asText());
      assertNull(m.get("id"));
    }
    JsonNode list = client.call(s, request(2, "tools/list", null));
    assertTrue(list.path("result").path("tools").toString().contains("runtime-added"));
  }

  @Test
  void resourcesUpdatedArrivesOnlyForASubscribedUri() {
    McpClient.Session s = client.initialize(V_LATEST);
    JsonNode sub = client.call(s, request(1, "resources/subscribe", Json.object().put("uri", "test://a")));
    assertNotNull(sub.get("result"), sub.toString());
    try (Sse get = client.get(s, null)) {
      assertTrue(get.next().isPriming());
      node.mcp().resourceUpdated("test://b");
      get.expectNothing(Duration.ofMillis(300));
      node.mcp().resourceUpdated("test://a");
      JsonNode m = get.nextMessage();
      assertEquals("notifications/resources/updated", m.path("method").asText());
      assertEquals("test://a", m.path("params").path("uri").asText());
      client.call(s, request(2, "resources/unsubscribe", Json.object().put("uri", "test://a")));
      node.mcp().resourceUpdated("test://a");
      get.expectNothing(Duration.ofMillis(300));
    }
  }

  // ------------------------------------------------------------------ DELETE

  @Test
  void deleteEndsTheSessionAndLaterRequestsAre404() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> d = client.delete(s);
    assertEquals(200, d.statusCode(), d.body());
    HttpResponse<String> post = client.post(s, request(1, "ping", null));
    assertEquals(404, post.statusCode(), post.body());
    HttpResponse<String> get = client.send(client.getBuilder(s, null).build());
    assertEquals(404, get.statusCode(), get.body());
    assertEquals(404, client.delete(s).statusCode());
  }

  @Test
  void deleteOfAnUnknownSessionIs404AndWithoutAnIdIs400() {
    McpClient.Session unknown = new McpClient.Session("no-such-session-AAAAAAAAAAAA", V_LATEST);
    assertEquals(404, client.delete(unknown).statusCode());
    assertEquals(400, client.delete(null).statusCode());
    McpClient.Session s = client.initialize(V_LATEST);
    client.assertAlive(s);
  }

  @Test
  void deleteClosesTheOpenGetStream() {
    McpClient.Session s = client.initialize(V_LATEST);
    try (Sse get = client.get(s, null)) {
      assertTrue(get.next().isPriming());
      assertEquals(200, client.delete(s).statusCode());
      get.expectEnd(Duration.ofSeconds(5));
    }
  }

  static Tool tool(String name) {
    return Tool.builder(name).syncHandler((a, c) -> ToolResult.text(name)).build();
  }
}
