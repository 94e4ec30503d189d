package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The legacy HTTP+SSE transport (2024-11-05): the official TypeScript SDK's SSEClientTransport
 * (node, tools/js) against the /mcp path, and the protocol's errors with a raw client.
 */
class LegacySseTest {
  private static TestNode node;
  private static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            "legacy-sse-test",
            "erlmcp.legacy-sse.max-connections = 3\nerlmcp.http.sse-keep-alive = 1s\n");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static Map<String, JsonNode> runNodeClient(String url) throws Exception {
    return NodeSdkClient.run("sse", url);
  }

  @Test
  @Tag("interop") // node and tools/js (tools/js/setup.sh)
  void theOfficialSseClientTransportWorksOnTheMcpPath() throws Exception {
    Map<String, JsonNode> s = runNodeClient(node.uri.toString());
    assertTrue(s.get("endpoint").asText().startsWith("/mcp?sessionId="), s.toString());
    NodeSdkClient.assertFullSession("sse", s);
  }

  @Test
  @Tag("interop") // node and tools/js (tools/js/setup.sh)
  void theSseAliasPathServesTheSameTransport() throws Exception {
    URI sse = node.uri.resolve("/sse");
    NodeSdkClient.assertFullSession("sse", runNodeClient(sse.toString()));
  }

  @Test
  void postsToAnUnknownStreamAre404AndMalformedBodiesAre400() throws Exception {
    HttpResponse<String> unknown =
        http.send(
            HttpRequest.newBuilder(node.uri.resolve("/mcp?sessionId=nope"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, unknown.statusCode(), unknown.body());

    try (RawStream st = RawStream.open(node.uri)) {
      HttpResponse<String> bad = st.post("{nope");
      assertEquals(400, bad.statusCode());
      assertEquals(-32700, Json.parse(bad.body()).path("error").path("code").asInt());
      HttpResponse<String> big = st.post("\"" + "x".repeat(70 * 1024) + "\"");
      assertEquals(413, big.statusCode());
      // the stream is still usable: ping answered on it
      assertEquals(202, st.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}").statusCode());
      JsonNode pong = st.nextMessage();
      assertEquals(7, pong.path("id").asInt(), pong.toString());
    }
  }

  @Test
  void streamsBeyondTheBoundAreRefusedWith503() throws Exception {
    TestNode.awaitAtMost(node.legacySse()::openStreams, 0, "legacy SSE streams");
    try (RawStream a = RawStream.open(node.uri);
        RawStream b = RawStream.open(node.uri);
        RawStream c = RawStream.open(node.uri)) {
      assertEquals(3, java.util.Set.of(a.endpoint, b.endpoint, c.endpoint).size());
      HttpResponse<String> refused =
          http.send(
              HttpRequest.newBuilder(node.uri).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(503, refused.statusCode());
      assertTrue(refused.headers().firstValue("Retry-After").isPresent());
    }
  }

  @Test
  void aGetWithASessionIdIsStillStreamableHttp() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(node.uri)
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", "unknown")
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(404, r.statusCode(), r.body());
  }

  /** A raw legacy stream: the endpoint event read, POSTs to it, message events read. */
  static final class RawStream implements AutoCloseable {
    final java.io.InputStream body;
    final BufferedReader reader;
    final URI endpoint;

    private RawStream(java.io.InputStream body, URI base) throws Exception {
      this.body = body;
      this.reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      String event = null;
      String line;
      URI ep = null;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "endpoint".equals(event)) {
          ep = base.resolve(line.substring(6));
          break;
        }
      }
      assertTrue(ep != null, "no endpoint event");
      this.endpoint = ep;
    }

    static RawStream open(URI mcp) throws Exception {
      HttpResponse<java.io.InputStream> r =
          http.send(
              HttpRequest.newBuilder(mcp).header("Accept", "text/event-stream").GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertEquals(200, r.statusCode());
      return new RawStream(r.body(), mcp);
    }

    HttpResponse<String> post(String body) throws Exception {
      return http.send(
          HttpRequest.newBuilder(endpoint)
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    JsonNode nextMessage() throws Exception {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data: ")) {
          return Json.parse(line.substring(6));
        }
      }
      throw new AssertionError("stream ended");
    }

    @Override
    public void close() throws java.io.IOException {
      body.close();
    }
  }
}
