package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A minimal Streamable HTTP client on java.net.http (HTTP/1.1) for the transport tests. */
final class McpClient {
  static final String BOTH = "application/json, text/event-stream";
  static final String V_LATEST = "2025-11-25";
  static final String V_BATCH = "2025-03-26";

  final URI uri;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  McpClient(URI uri) {
    this.uri = uri;
  }

  /** A session: its id and negotiated revision. */
  record Session(String id, String version) {}

  // ------------------------------------------------------------------ messages

  static String request(Object id, String method, JsonNode params) {
    ObjectNode n = Json.object().put("jsonrpc", "2.0");
    n.set("id", Json.MAPPER.valueToTree(id));
    n.put("method", method);
    if (params != null) {
      n.set("params", params);
    }
    return n.toString();
  }

  static String notification(String method, JsonNode params) {
    ObjectNode n = Json.object().put("jsonrpc", "2.0").put("method", method);
    if (params != null) {
      n.set("params", params);
    }
    return n.toString();
  }

  static String toolCall(Object id, String tool, JsonNode args, Object progressToken) {
    ObjectNode p = Json.object().put("name", tool);
    p.set("arguments", args == null ? Json.object() : args);
    if (progressToken != null) {
      p.putObject("_meta").set("progressToken", Json.MAPPER.valueToTree(progressToken));
    }
    return request(id, "tools/call", p);
  }

  static ObjectNode initParams(String version) {
    ObjectNode p = Json.object().put("protocolVersion", version);
    p.putObject("capabilities").putObject("sampling");
    p.putObject("clientInfo").put("name", "http-test").put("version", "1.0");
    return p;
  }

  // ------------------------------------------------------------------ HTTP

  HttpRequest.Builder base() {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
  }

  HttpRequest.Builder postBuilder(Session s, String body, String accept) {
    HttpRequest.Builder b =
        base()
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (accept != null) {
      b.header("Accept", accept);
    }
    if (s != null) {
      b.header("Mcp-Session-Id", s.id()).header("MCP-Protocol-Version", s.version());
    }
    return b;
  }

  HttpResponse<String> send(HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("HTTP request failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  HttpResponse<String> post(Session s, String body) {
    return send(postBuilder(s, body, BOTH).build());
  }

  HttpResponse<String> post(Session s, String body, String accept) {
    return send(postBuilder(s, body, accept).build());
  }

  /** Sends without waiting (for requests that block on the server). */
  CompletableFuture<HttpResponse<String>> postAsync(Session s, String body) {
    return http.sendAsync(postBuilder(s, body, BOTH).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** initialize (without notifications/initialized). */
  HttpResponse<String> initializeRaw(String version) {
    return post(null, request(0, "initialize", initParams(version)));
  }

  /** initialize then notifications/initialized: a ready session. */
  Session initialize(String version) {
    HttpResponse<String> r = initializeRaw(version);
    assertEquals(200, r.statusCode(), r.body());
    String sid = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    String negotiated = Json.parse(r.body()).path("result").path("protocolVersion").asText();
    Session s = new Session(sid, negotiated);
    HttpResponse<String> ack = post(s, notification("notifications/initialized", null));
    assertEquals(202, ack.statusCode(), ack.body());
    return s;
  }

  /** A request answered with plain JSON (status 200). */
  JsonNode call(Session s, String body) {
    HttpResponse<String> r = post(s, body);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "content type of " + r.body());
    return Json.parse(r.body());
  }

  /** A POST whose answer must be an SSE stream. */
  Sse postSse(Session s, String body) {
    return sse(postBuilder(s, body, BOTH).build());
  }

  /** GET: the standalone stream, or a resume with {@code lastEventId}. */
  Sse get(Session s, String lastEventId) {
    return sse(getBuilder(s, lastEventId).build());
  }

  HttpRequest.Builder getBuilder(Session s, String lastEventId) {
    HttpRequest.Builder b =
        base()
            .GET()
            .header("Accept", "text/event-stream")
            .header("Mcp-Session-Id", s.id())
            .header("MCP-Protocol-Version", s.version());
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    return b;
  }

  Sse sse(HttpRequest req) {
    HttpResponse<InputStream> r;
    try {
      r =
          http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
              .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no response headers for " + req + ": " + e, e);
    }
    if (r.statusCode() != 200
        || !r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
      String body;
      try (InputStream in = r.body()) {
        body = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException e) {
        body = e.toString();
      }
      throw new AssertionError(
          "expected 200 text/event-stream, got "
              + r.statusCode()
              + " "
              + r.headers().firstValue("Content-Type").orElse("")
              + ": "
              + body);
    }
    return new Sse(r.body());
  }

  HttpResponse<String> delete(Session s) {
    HttpRequest.Builder b = base().DELETE();
    if (s != null) {
      b.header("Mcp-Session-Id", s.id()).header("MCP-Protocol-Version", s.version());
    }
    return send(b.build());
  }

  /** A ping on the session must still work. */
  void assertAlive(Session s) {
    JsonNode r = call(s, request(99, "ping", null));
    assertNotNull(r.get("result"), r.toString());
  }

  static JsonNode body(HttpResponse<String> r) {
    return Json.parse(r.body());
  }
}
