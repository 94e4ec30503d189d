package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_BATCH;
import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.notification;
import static io.erlmcp.http.McpClient.request;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed and refused requests get the documented status and a JSON-RPC error, and leave the
 * server serving: after every test a session created up front still answers.
 */
class StreamableHttpBadInputTest {
  /** erlmcp.http.max-body-size in the test configuration. */
  private static final int LIMIT = 64 * 1024;

  private static TestNode node;
  private static McpClient client;
  private static McpClient.Session witness;

  @BeforeAll
  static void start() {
    node = TestNode.start("http-bad-input-test", "");
    client = new McpClient(node.uri);
    witness = client.initialize(V_LATEST);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void anotherSessionStillWorks() {
    client.assertAlive(witness);
  }

  private static void assertError(HttpResponse<String> r, int status, int code) {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    assertEquals(code, McpClient.body(r).path("error").path("code").asInt(), r.body());
  }

  @Test
  void malformedJsonIs400ParseError() {
    McpClient.Session s = client.initialize(V_LATEST);
    assertError(client.post(s, "{\"jsonrpc\":\"2.0\",\"id\":1,"), 400, -32700);
    assertError(client.post(null, "not json at all"), 400, -32700);
    client.assertAlive(s);
  }

  @Test
  void emptyBodyIs400() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r = client.post(s, "");
    assertEquals(400, r.statusCode(), r.body());
    assertTrue(McpClient.body(r).path("error").has("code"), r.body());
  }

  /** A tools/call of echo padded to exactly {@code size} bytes. */
  private static String echoOfSize(int size) {
    String prefix = toolCall(1, "echo", Json.object().put("text", ""), null);
    int cut = prefix.indexOf("\"text\":\"") + 8;
    String head = prefix.substring(0, cut);
    String tail = prefix.substring(cut);
    String body = head + "a".repeat(size - head.length() - tail.length()) + tail;
    assertEquals(size, body.getBytes(StandardCharsets.UTF_8).length);
    return body;
  }

  @Test
  void bodyExactlyAtTheLimitIsAcceptedAndOneByteMoreIs413() {
    McpClient.Session s = client.initialize(V_LATEST);
    JsonNode ok = client.call(s, echoOfSize(LIMIT));
    assertEquals(LIMIT - toolCall(1, "echo", Json.object().put("text", ""), null).length(),
        TestServer.textOf(ok).asText().length());
    assertError(client.post(s, echoOfSize(LIMIT + 1)), 413, -32600);
  }

  @Test
  void chunkedBodyWithoutContentLengthIsLimitedToo() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> ok = client.send(chunked(s, echoOfSize(LIMIT)));
    assertEquals(200, ok.statusCode(), ok.body());
    assertError(client.send(chunked(s, echoOfSize(LIMIT + 1))), 413, -32600);
  }

  private static HttpRequest chunked(McpClient.Session s, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return client.base()
        .header("Content-Type", "application/json")
        .header("Accept", McpClient.BOTH)
        .header("Mcp-Session-Id", s.id())
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
        .build();
  }

  @Test
  void wrongContentTypeIs415() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r =
        client.send(
            client.postBuilder(s, request(1, "ping", null), McpClient.BOTH)
                .setHeader("Content-Type", "text/plain")
                .build());
    assertError(r, 415, -32600);
  }

  @Test
  void unsupportedProtocolVersionHeaderIs400() {
    McpClient.Session s = client.initialize(V_LATEST);
    for (String v : new String[] {"1999-01-01", "latest", "2026-07-28"}) {
      HttpResponse<String> r =
          client.send(
              client.postBuilder(s, request(1, "ping", null), McpClient.BOTH)
                  .setHeader("MCP-Protocol-Version", v)
                  .build());
      assertError(r, 400, -32600);
    }
  }

  @Test
  void versionHeaderDifferentFromTheNegotiatedOneIs400() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r =
        client.post(new McpClient.Session(s.id(), V_BATCH), request(1, "ping", null));
    assertError(r, 400, -32600);
    HttpResponse<String> get =
        client.send(client.getBuilder(new McpClient.Session(s.id(), "2025-06-18"), null).build());
    assertError(get, 400, -32600);
    client.assertAlive(s);
  }

  @Test
  void foreignOriginIs403AndLocalhostOriginIsServed() {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> foreign =
        client.send(
            client.postBuilder(s, request(1, "ping", null), McpClient.BOTH)
                .header("Origin", "http://evil.example")
                .build());
    assertError(foreign, 403, -32600);
    HttpResponse<String> lookalike =
        client.send(
            client.postBuilder(s, request(1, "ping", null), McpClient.BOTH)
                .header("Origin", "http://localhost.evil.example")
                .build());
    assertEquals(403, lookalike.statusCode());
    HttpResponse<String> local =
        client.send(
            client.postBuilder(s, request(1, "ping", null), McpClient.BOTH)
                .header("Origin", "http://localhost:5173")
                .build());
    assertEquals(200, local.statusCode(), local.body());
  }

  @Test
  void otherMethodsAre405WithAllow() {
    HttpResponse<String> r =
        client.send(
            client.base()
                .method("PUT", HttpRequest.BodyPublishers.ofString(request(1, "ping", null)))
                .header("Content-Type", "application/json")
                .build());
    assertError(r, 405, -32600);
    String allow = r.headers().firstValue("Allow").orElse("");
    assertTrue(allow.contains("GET") && allow.contains("POST") && allow.contains("DELETE"), allow);
  }

  @Test
  void requestWithoutSessionIdIs400AndWithAnUnknownOneIs404() {
    assertError(client.post(null, request(1, "ping", null)), 400, -32600);
    HttpResponse<String> unknown =
        client.post(new McpClient.Session("AAAAAAAAAAAAAAAAAAAAAA", V_LATEST), request(1, "ping", null));
    assertEquals(404, unknown.statusCode(), unknown.body());
  }

  @Test
  void batchOnA20251125SessionIs400() {
    McpClient.Session s = client.initialize(V_LATEST);
    String batch = "[" + request(1, "ping", null) + "," + request(2, "ping", null) + "]";
    assertError(client.post(s, batch), 400, -32600);
    client.assertAlive(s);
  }

  @Test
  void batchOnA20250326SessionIsAnsweredWithAnArrayOrWith202() {
    McpClient.Session s = client.initialize(V_BATCH);
    String batch =
        "["
            + request(1, "ping", null)
            + ","
            + notification("notifications/roots/list_changed", null)
            + ","
            + toolCall(2, "echo", Json.object().put("text", "in a batch"), null)
            + "]";
    HttpResponse<String> r = client.post(s, batch);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode arr = McpClient.body(r);
    assertTrue(arr.isArray(), r.body());
    assertEquals(2, arr.size(), r.body());
    JsonNode byId1 = arr.get(0).path("id").asInt() == 1 ? arr.get(0) : arr.get(1);
    JsonNode byId2 = arr.get(0).path("id").asInt() == 2 ? arr.get(0) : arr.get(1);
    assertTrue(byId1.has("result"), r.body());
    assertEquals("in a batch", TestServer.textOf(byId2).asText());

    String notificationsOnly =
        "["
            + notification("notifications/roots/list_changed", null)
            + ","
            + notification("notifications/roots/list_changed", null)
            + "]";
    HttpResponse<String> n = client.post(s, notificationsOnly);
    assertEquals(202, n.statusCode(), n.body());
    assertEquals("", n.body());
  }
}
