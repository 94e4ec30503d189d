package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.request;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A session outlives its node: the embedded H2 journal brings it back on a new node. */
class SessionRestartTest {
  private static final Path JOURNAL = TestNode.tempDir();

  @AfterAll
  static void cleanUp() {
    TestNode.deleteTree(JOURNAL);
  }

  @Test
  void sessionAndSubscriptionSurviveANodeRestart() {
    McpClient.Session s;
    Set<String> idsBefore = new HashSet<>();
    java.util.List<Sse.Event> before = new java.util.ArrayList<>();
    try (TestNode first = TestNode.startEmbedded("restart-test", JOURNAL, "")) {
      McpClient client = new McpClient(first.uri);
      s = client.initialize(V_LATEST);
      JsonNode sub =
          client.call(s, request(1, "resources/subscribe", Json.object().put("uri", "test://a")));
      assertNotNull(sub.get("result"), sub.toString());
      try (Sse sse = client.postSse(s, toolCall(2, "notify", Json.object().put("count", 2), null))) {
        for (int i = 0; i < 4; i++) {
          Sse.Event e = sse.next();
          before.add(e);
          idsBefore.add(e.id());
        }
        sse.expectEnd(Duration.ofSeconds(5));
      }
    }

    try (TestNode second = TestNode.startEmbedded("restart-test", JOURNAL, "")) {
      McpClient client = new McpClient(second.uri);
      // No initialize: the same session id works.
      client.assertAlive(s);
      JsonNode echo = client.call(s, toolCall(3, "echo", Json.object().put("text", "back"), null));
      assertEquals("back", TestServer.textOf(echo).asText());
      try (Sse get = client.get(s, null)) {
        Sse.Event priming = get.next();
        assertTrue(priming.isPriming());
        assertFalse(idsBefore.contains(priming.id()));
        second.mcp().resourceUpdated("test://b"); // not subscribed
        get.expectNothing(Duration.ofMillis(300));
        second.mcp().resourceUpdated("test://a"); // subscribed before the restart
        Sse.Event e = get.next();
        assertEquals("notifications/resources/updated", e.json().path("method").asText());
        assertEquals("test://a", e.json().path("params").path("uri").asText());
        assertFalse(idsBefore.contains(e.id()), "event ids repeat after the restart: " + e.id());
      }
      // A stream of the first node resumes from the journal: what followed its priming event.
      try (Sse resumed = client.get(s, before.get(0).id())) {
        for (int i = 1; i < before.size(); i++) {
          Sse.Event e = resumed.next();
          assertEquals(before.get(i).id(), e.id());
          assertEquals(before.get(i).data(), e.data());
        }
        resumed.expectEnd(Duration.ofSeconds(5));
      }
    }
  }
}
