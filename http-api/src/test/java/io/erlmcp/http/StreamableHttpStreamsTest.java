package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.notification;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Resumption with Last-Event-ID, server-to-client requests and cancellation over real sockets. */
class StreamableHttpStreamsTest {
  private static TestNode node;
  private static McpClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start("http-streams-test", "");
    client = new McpClient(node.uri);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static String streamOf(String eventId) {
    return eventId.substring(eventId.indexOf('.') + 1);
  }

  private static ObjectNode slowArgs(long ms) {
    return Json.object().put("ms", ms);
  }

  // ------------------------------------------------------------------ resumption

  @Test
  void resumingADroppedPostStreamDeliversExactlyTheRestOfThatStream() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    Set<String> read = new HashSet<>();
    String lastId;
    String streamId;
    int lastProgress;
    try (Sse sse = client.postSse(s, toolCall(21, "slow", slowArgs(1500), "tok-21"))) {
      Sse.Event priming = sse.next();
      assertTrue(priming.isPriming());
      streamId = streamOf(priming.id());
      read.add(priming.id());
      Sse.Event p1 = sse.next();
      Sse.Event p2 = sse.next();
      assertEquals(1, p1.json().path("params").path("progress").asInt());
      assertEquals(2, p2.json().path("params").path("progress").asInt());
      read.add(p1.id());
      read.add(p2.id());
      lastId = p2.id();
      lastProgress = 2;
    } // disconnects
    // Another stream of the same session writes to the journal meanwhile.
    try (Sse other = client.postSse(s, toolCall(22, "notify", Json.object().put("count", 3), null))) {
      for (int i = 0; i < 5; i++) {
        other.next();
      }
      other.expectEnd(Duration.ofSeconds(5));
    }
    Thread.sleep(300); // more progress while nobody listens

    try (Sse resumed = client.get(s, lastId)) {
      int expected = lastProgress + 1;
      while (true) {
        Sse.Event e = resumed.next(Duration.ofSeconds(10));
        assertNotNull(e.id(), e.toString());
        assertFalse(read.contains(e.id()), "already read: " + e);
        assertEquals(streamId, streamOf(e.id()), "event of another stream: " + e);
        JsonNode m = e.json();
        if (m.has("method")) {
          assertEquals("notifications/progress", m.path("method").asText(), e.toString());
          assertEquals(expected, m.path("params").path("progress").asInt(), "gap or repeat: " + e);
          expected++;
        } else {
          assertEquals(21, m.path("id").asInt(), e.toString());
          assertEquals("slow done", TestServer.textOf(m).asText());
          break;
        }
      }
      assertTrue(expected > lastProgress + 3, "events sent while disconnected were replayed");
      resumed.expectEnd(Duration.ofSeconds(5));
    }
  }

  @Test
  void resumingAFinishedStreamReplaysOnlyWhatCameAfterTheIdAndEnds() {
    McpClient.Session s = client.initialize(V_LATEST);
    List<Sse.Event> all = new ArrayList<>();
    try (Sse sse = client.postSse(s, toolCall(31, "notify", Json.object().put("count", 5), null))) {
      for (int i = 0; i < 7; i++) {
        all.add(sse.next());
      }
      sse.expectEnd(Duration.ofSeconds(5));
    }
    // After message 2: messages 3..5 and the response.
    try (Sse resumed = client.get(s, all.get(2).id())) {
      for (int i = 3; i <= 6; i++) {
        Sse.Event e = resumed.next();
        assertEquals(all.get(i).id(), e.id());
        assertEquals(all.get(i).data(), e.data());
      }
      resumed.expectEnd(Duration.ofSeconds(5));
    }
    // From the priming event: everything but the priming event.
    try (Sse resumed = client.get(s, all.get(0).id())) {
      for (int i = 1; i <= 6; i++) {
        assertEquals(all.get(i).id(), resumed.next().id());
      }
      resumed.expectEnd(Duration.ofSeconds(5));
    }
    // From the last event: nothing, and the stream ends.
    try (Sse resumed = client.get(s, all.get(6).id())) {
      resumed.expectEnd(Duration.ofSeconds(5));
    }
  }

  @Test
  void garbageLastEventIdIs400() {
    McpClient.Session s = client.initialize(V_LATEST);
    for (String bad : List.of("garbage", "12.", ".pabc", "-1.pabc", "x1.pabc", "99999999999999999999.p")) {
      HttpResponse<String> r = client.send(client.getBuilder(s, bad).build());
      assertEquals(400, r.statusCode(), bad + ": " + r.body());
      assertEquals(-32600, McpClient.body(r).path("error").path("code").asInt());
    }
    client.assertAlive(s);
  }

  @Test
  void resumedStandaloneStreamGetsTheListChangedSentWhileDisconnected() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    String primingId;
    try (Sse get = client.get(s, null)) {
      Sse.Event priming = get.next();
      assertTrue(priming.isPriming());
      primingId = priming.id();
    }
    Thread.sleep(200);
    node.mcp().addTool(StreamableHttpSessionTest.tool("while-away"));
    try (Sse resumed = client.get(s, primingId)) {
      Sse.Event e = resumed.next();
      assertEquals(streamOf(primingId), streamOf(e.id()));
      assertEquals("notifications/tools/list_changed", e.json().path("method").asText());
      // And it goes on live.
      node.mcp().addTool(StreamableHttpSessionTest.tool("while-back"));
      assertEquals("notifications/tools/list_changed", resumed.nextMessage().path("method").asText());
    }
  }

  // ------------------------------------------------------------------ server-to-client requests

  @Test
  void samplingRequestArrivesOnThePostStreamAndTheClientsAnswerCompletesTheTool() {
    McpClient.Session s = client.initialize(V_LATEST);
    try (Sse sse = client.postSse(s, toolCall(41, "sample", Json.object().put("prompt", "ping?"), null))) {
      assertTrue(sse.next().isPriming());
      Sse.Event reqEvent = sse.next();
      assertNotNull(reqEvent.id());
      JsonNode req = reqEvent.json();
      assertEquals("sampling/createMessage", req.path("method").asText(), req.toString());
      assertTrue(req.hasNonNull("id"));
      assertEquals("ping?", req.path("params").path("messages").path(0).path("content").path("text").asText());

      ObjectNode answer = Json.object().put("jsonrpc", "2.0");
      answer.set("id", req.get("id"));
      ObjectNode result = answer.putObject("result").put("role", "assistant").put("model", "test");
      result.putObject("content").put("type", "text").put("text", "pong");
      HttpResponse<String> posted = client.post(s, answer.toString());
      assertEquals(202, posted.statusCode(), posted.body());
      assertEquals("", posted.body());

      JsonNode resp = sse.nextMessage();
      assertEquals(41, resp.path("id").asInt(), resp.toString());
      assertEquals("sampled: pong", TestServer.textOf(resp).asText());
      sse.expectEnd(Duration.ofSeconds(5));
    }
    assertEquals(0, node.edge.pending().size());
  }

  @Test
  void samplingRequestTheClientNeverAnswersFailsTheToolAfterTheTimeout() {
    McpClient.Session s = client.initialize(V_LATEST);
    long start = System.nanoTime();
    try (Sse sse = client.postSse(s, toolCall(42, "sample", Json.object(), null))) {
      assertTrue(sse.next().isPriming());
      assertEquals("sampling/createMessage", sse.nextMessage().path("method").asText());
      JsonNode resp = sse.nextMessage();
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(42, resp.path("id").asInt(), resp.toString());
      assertEquals(-32603, resp.path("error").path("code").asInt(), resp.toString());
      // erlmcp.protocol.client-request-timeout = 2s in the test configuration
      assertTrue(ms >= 1900, "failed before the timeout: " + ms + " ms");
      assertTrue(ms < 8000, "failed long after the timeout: " + ms + " ms");
      sse.expectEnd(Duration.ofSeconds(5));
    }
    assertEquals(0, node.edge.pending().size());
    client.assertAlive(s);
  }

  // ------------------------------------------------------------------ cancellation and timeouts

  @Test
  void toolPastItsTimeoutIsAnsweredWithAnErrorAndItsHandlerCancelled() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    node.server.slowCancelled.clear();
    long start = System.nanoTime();
    JsonNode r = client.call(s, toolCall(61, "stuck", Json.object(), null));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(61, r.path("id").asInt(), r.toString());
    assertEquals(-32603, r.path("error").path("code").asInt(), r.toString());
    assertTrue(ms >= 450 && ms < 5000, ms + " ms");
    assertEquals("stuck 61", node.server.slowCancelled.poll(5, TimeUnit.SECONDS));
  }

  @Test
  void cancelledRequestEndsItsStreamWithoutAResponseAndFiresTheHandlersToken() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    node.server.slowCancelled.clear();
    try (Sse sse = client.postSse(s, toolCall(51, "slow", slowArgs(10_000), "tok-51"))) {
      assertTrue(sse.next().isPriming());
      assertEquals("notifications/progress", sse.nextMessage().path("method").asText());
      HttpResponse<String> c =
          client.post(
              s,
              notification(
                  "notifications/cancelled", Json.object().put("requestId", 51).put("reason", "test")));
      assertEquals(202, c.statusCode(), c.body());
      assertEquals("", c.body());
      assertEquals("51", node.server.slowCancelled.poll(5, TimeUnit.SECONDS));
      // Progress already on its way may still arrive; a response must not, and the stream ends.
      while (true) {
        java.util.Optional<Sse.Event> e = sse.nextOrEnd(Duration.ofSeconds(5));
        if (e.isEmpty()) {
          break;
        }
        if (!e.get().json().has("method")) {
          fail("a cancelled request got a response: " + e.get());
        }
      }
    }
    // The id is free again and the session works.
    JsonNode again = client.call(s, toolCall(51, "echo", Json.object().put("text", "after"), null));
    assertEquals("after", TestServer.textOf(again).asText());
  }

  @Test
  void cancellingAnInlineRequestThatIsStillPendingFiresItsTokenAndSendsNoResponse()
      throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    node.server.slowStarted.clear();
    node.server.slowCancelled.clear();
    java.util.concurrent.CompletableFuture<HttpResponse<String>> call =
        client.postAsync(s, toolCall(61, "waiter", Json.object(), null));
    assertEquals("waiter 61", node.server.slowStarted.poll(5, TimeUnit.SECONDS));
    assertTrue(!call.isDone(), "the inline request waits");
    HttpResponse<String> c =
        client.post(
            s,
            notification(
                "notifications/cancelled", Json.object().put("requestId", 61).put("reason", "t")));
    assertEquals(202, c.statusCode(), c.body());
    assertEquals("waiter 61", node.server.slowCancelled.poll(5, TimeUnit.SECONDS));
    HttpResponse<String> r = call.get(5, TimeUnit.SECONDS);
    assertEquals(200, r.statusCode());
    assertTrue(!r.body().contains("\"id\":61"), "no response for a cancelled request: " + r.body());
    JsonNode again = client.call(s, toolCall(61, "echo", Json.object().put("text", "ok"), null));
    assertEquals("ok", TestServer.textOf(again).asText());
  }
}
