package io.erlmcp.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deliberately small Streamable HTTP client on java.net.http, for what the SDK client cannot
 * do: malformed requests, chosen headers, a session id carried across a server restart, raw
 * notifications/cancelled.
 */
final class RawMcp {
  static final String LATEST_VERSION = "2025-11-25";
  static final JsonMapper JSON = JsonMapper.shared();
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String url;

  RawMcp(String url) {
    this.url = url;
  }

  HttpClient http() {
    return http;
  }

  String url() {
    return url;
  }

  static String initializeRequest(int id, String version) {
    return """
        {"jsonrpc":"2.0","id":%d,"method":"initialize","params":{"protocolVersion":"%s",\
        "capabilities":{},"clientInfo":{"name":"erlmcp-interop-raw","version":"1.0"}}}"""
        .formatted(id, version);
  }

  static String toolCall(int id, String tool, String argumentsJson) {
    return """
        {"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"%s","arguments":%s}}"""
        .formatted(id, tool, argumentsJson);
  }

  /** A POST request builder with the usual MCP headers (and the session's, when given). */
  HttpRequest.Builder postBuilder(String sessionId, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionId != null) {
      b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", LATEST_VERSION);
    }
    return b;
  }

  HttpResponse<String> post(String sessionId, String body) {
    return send(postBuilder(sessionId, body).build());
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** initialize + notifications/initialized; returns the new Mcp-Session-Id. */
  String initialize() {
    HttpResponse<String> r = post(null, initializeRequest(1, LATEST_VERSION));
    check(r.statusCode() == 200, "initialize answered " + r.statusCode() + ": " + r.body());
    String session =
        r.headers()
            .firstValue("Mcp-Session-Id")
            .orElseThrow(() -> new AssertionError("initialize answered no Mcp-Session-Id"));
    HttpResponse<String> n =
        post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    check(n.statusCode() == 202, "notifications/initialized answered " + n.statusCode());
    return session;
  }

  /** Sends a request in the session and returns its JSON-RPC response (plain JSON or SSE). */
  JsonNode request(String sessionId, int id, String body) {
    HttpResponse<String> r = post(sessionId, body);
    check(r.statusCode() == 200, "request answered HTTP " + r.statusCode() + ": " + r.body());
    for (JsonNode m : messages(r)) {
      if (m.has("id") && m.get("id").asInt() == id && (m.has("result") || m.has("error"))) {
        return m;
      }
    }
    throw new AssertionError("no response with id " + id + " in: " + r.body());
  }

  /** Calls echo in the session and returns the text it echoed. */
  String echo(String sessionId, String message) {
    JsonNode r = request(sessionId, 77, toolCall(77, "echo", "{\"message\":\"" + message + "\"}"));
    check(r.has("result"), "echo failed: " + r);
    return r.at("/result/content/0/text").asString();
  }

  /** The JSON-RPC messages of a response: its JSON body, or the data of each SSE event. */
  static List<JsonNode> messages(HttpResponse<String> r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    List<JsonNode> out = new ArrayList<>();
    if (type.startsWith("text/event-stream")) {
      for (String data : sseData(r.body().lines().toList())) {
        out.add(JSON.readTree(data));
      }
    } else if (!r.body().isBlank()) {
      out.add(JSON.readTree(r.body()));
    }
    return out;
  }

  /** The non-empty data payloads of the SSE events in these lines. */
  static List<String> sseData(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder data = new StringBuilder();
    for (String line : lines) {
      if (line.isEmpty()) {
        if (!data.isEmpty()) {
          out.add(data.toString());
        }
        data.setLength(0);
      } else if (line.startsWith("data:")) {
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(line.substring(5).stripLeading());
      }
    }
    if (!data.isEmpty()) {
      out.add(data.toString());
    }
    return out;
  }

  static JsonNode parse(String json) {
    return JSON.readTree(json);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new AssertionError(message);
    }
  }
}
