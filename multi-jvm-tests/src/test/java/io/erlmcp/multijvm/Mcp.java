package io.erlmcp.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A small Streamable HTTP client: any node's URL, one Mcp-Session-Id carried between them. */
final class Mcp {
  static final String VERSION = "2025-11-25";
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  /** One SSE event: its id and data. */
  record Event(String id, String data) {}

  static HttpRequest.Builder post(String url, String session, String body, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (session != null) {
      b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", VERSION);
    }
    return b;
  }

  static HttpResponse<String> send(HttpRequest r) throws IOException {
    try {
      return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** initialize + notifications/initialized on {@code url}; the new session id. */
  static String initialize(String url) throws IOException {
    HttpResponse<String> r =
        send(
            post(
                    url,
                    null,
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                        + VERSION
                        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"multijvm\",\"version\":\"1\"}}}",
                    Duration.ofSeconds(30))
                .build());
    String sid = r.headers().firstValue("Mcp-Session-Id").orElse(null);
    if (r.statusCode() != 200 || sid == null) {
      throw new IOException("initialize on " + url + " answered " + r.statusCode() + ": " + r.body());
    }
    HttpResponse<String> n =
        send(post(url, sid, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", Duration.ofSeconds(30)).build());
    if (n.statusCode() != 202) {
      throw new IOException("notifications/initialized answered " + n.statusCode() + ": " + n.body());
    }
    return sid;
  }

  /** A tools/call; the JSON-RPC response (result or error). IOException when the connection breaks. */
  static JsonNode call(String url, String session, int id, String tool, String args, Duration timeout)
      throws IOException {
    String body =
        "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
            + tool + "\",\"arguments\":" + args + "}}";
    HttpResponse<String> r = send(post(url, session, body, timeout).build());
    for (JsonNode m : messages(r)) {
      if (m.has("id") && m.get("id").asInt() == id) {
        return m;
      }
    }
    return JSON.createObjectNode()
        .put("httpStatus", r.statusCode())
        .put("body", r.body());
  }

  static boolean ok(JsonNode r) {
    return r.has("result") && !r.path("result").path("isError").asBoolean(false);
  }

  static String text(JsonNode r) {
    return r.path("result").path("content").path(0).path("text").asText();
  }

  static String str(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> messages(HttpResponse<String> r) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (type.startsWith("text/event-stream")) {
      for (Event e : events(r.body().lines().toList())) {
        out.add(JSON.readTree(e.data()));
      }
    } else if (!r.body().isBlank()) {
      out.add(JSON.readTree(r.body()));
    }
    return out;
  }

  /** The SSE events (with data) in these lines. */
  static List<Event> events(List<String> lines) {
    List<Event> out = new ArrayList<>();
    String id = null;
    StringBuilder data = new StringBuilder();
    for (String line : lines) {
      if (line.isEmpty()) {
        if (!data.isEmpty()) {
          out.add(new Event(id, data.toString()));
        }
        data.setLength(0);
        id = null;
      } else if (line.startsWith("id:")) {
        id = line.substring(3).strip();
      } else if (line.startsWith("data:")) {
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(line.substring(5).stripLeading());
      }
    }
    if (!data.isEmpty()) {
      out.add(new Event(id, data.toString()));
    }
    return out;
  }
}
