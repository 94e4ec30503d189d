package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** erlmcp.requests.max-in-flight = 2: the third concurrent request is refused with 503. */
class StreamableHttpOverloadTest {
  private static TestNode node;
  private static McpClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start("http-overload-test", "erlmcp.requests.max-in-flight = 2");
    client = new McpClient(node.uri);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void thirdRequestWhileTwoRunIs503WithRetryAfterAndLaterRequestsSucceed() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    node.server.slowStarted.clear();
    CompletableFuture<HttpResponse<String>> first =
        client.postAsync(s, toolCall(1, "slow", Json.object().put("ms", 1500), null));
    assertNotNull(node.server.slowStarted.poll(10, TimeUnit.SECONDS));
    // The second is still admitted (the limit is 2).
    CompletableFuture<HttpResponse<String>> second =
        client.postAsync(s, toolCall(2, "slow", Json.object().put("ms", 1500), null));
    assertNotNull(node.server.slowStarted.poll(10, TimeUnit.SECONDS));

    HttpResponse<String> third = client.post(s, toolCall(3, "echo", Json.object().put("text", "x"), null));
    assertEquals(503, third.statusCode(), third.body());
    assertTrue(third.headers().firstValue("Retry-After").isPresent());
    assertEquals(3, McpClient.body(third).path("id").asInt());
    assertEquals(-32603, McpClient.body(third).path("error").path("code").asInt(), third.body());
    assertTrue(!first.isDone() && !second.isDone(), "the slow calls still run");

    for (CompletableFuture<HttpResponse<String>> f : java.util.List.of(first, second)) {
      HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode(), r.body());
      assertEquals("slow done", TestServer.textOf(McpClient.body(r)).asText());
    }
    // The workers leave the table just after answering: poll briefly.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    HttpResponse<String> after;
    do {
      after = client.post(s, toolCall(4, "echo", Json.object().put("text", "again"), null));
    } while (after.statusCode() == 503 && System.nanoTime() < deadline);
    assertEquals(200, after.statusCode(), after.body());
    assertEquals("again", TestServer.textOf(McpClient.body(after)).asText());
    // Two at once are fine again.
    CompletableFuture<HttpResponse<String>> a =
        client.postAsync(s, toolCall(5, "echo", Json.object().put("text", "a"), null));
    HttpResponse<String> b = client.post(s, toolCall(6, "echo", Json.object().put("text", "b"), null));
    assertEquals(200, b.statusCode(), b.body());
    assertEquals(200, a.get(10, TimeUnit.SECONDS).statusCode());
  }
}
