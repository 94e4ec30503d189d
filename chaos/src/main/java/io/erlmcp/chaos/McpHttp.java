package io.erlmcp.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small MCP Streamable HTTP client on java.net.http for drills and multi-JVM tests: initialize,
 * requests (JSON or SSE answers), nothing else. One instance per simulated client.
 */
public final class McpHttp {
  public static final String PROTOCOL = "2025-06-18";
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI endpoint;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  private volatile String sessionId;

  /** An answer: the JSON-RPC response, or {@code response == null} with the HTTP status. */
  public record Answer(int status, JsonNode response) {
    public boolean ok() {
      return response != null && response.has("result");
    }

    public int errorCode() {
      return response != null && response.has("error") ? response.get("error").path("code").asInt()
          : 0;
    }

    public JsonNode result() {
      return response == null ? null : response.get("result");
    }

    /** The text of the first content item of a tools/call result. */
    public String text() {
      JsonNode r = result();
      return r == null ? null : r.path("content").path(0).path("text").asText(null);
    }

    public boolean toolError() {
      JsonNode r = result();
      return r != null && r.path("isError").asBoolean(false);
    }

    @Override
    public String toString() {
      return status + " " + response;
    }
  }

  public McpHttp(HttpClient http, URI endpoint, Duration timeout) {
    this.http = http;
    this.endpoint = endpoint;
    this.timeout = timeout;
  }

  public static HttpClient newHttpClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(2))
        .build();
  }

  public String sessionId() {
    return sessionId;
  }

  /** Reuses a session created elsewhere (e.g. through another node). */
  public McpHttp withSession(String id) {
    McpHttp c = new McpHttp(http, endpoint, timeout);
    c.sessionId = id;
    return c;
  }

  /** initialize + notifications/initialized; returns the initialize answer. */
  public Answer initialize(String clientName) throws IOException, InterruptedException {
    ObjectNode params = JSON.createObjectNode();
    params.put("protocolVersion", PROTOCOL);
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", clientName).put("version", "1");
    sessionId = null;
    Answer a = send("initialize", params, true);
    if (a.ok() && sessionId != null) {
      notify("notifications/initialized");
    }
    return a;
  }

  public Answer request(String method, JsonNode params) throws IOException, InterruptedException {
    return send(method, params, false);
  }

  public Answer callTool(String name, ObjectNode arguments)
      throws IOException, InterruptedException {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", name);
    p.set("arguments", arguments);
    return request("tools/call", p);
  }

  public Answer echo(String message) throws IOException, InterruptedException {
    return callTool("echo", JSON.createObjectNode().put("message", message));
  }

  public Answer remember(String key, String value) throws IOException, InterruptedException {
    return callTool("remember", JSON.createObjectNode().put("key", key).put("value", value));
  }

  public Answer recall(String key) throws IOException, InterruptedException {
    return callTool("recall", JSON.createObjectNode().put("key", key));
  }

  /** A tools/call whose answer is an SSE stream (countdown with progress). */
  public Answer countdown(int seconds) throws IOException, InterruptedException {
    ObjectNode p = JSON.createObjectNode();
    p.put("name", "countdown");
    p.putObject("arguments").put("seconds", seconds);
    p.putObject("_meta").put("progressToken", "p" + ids.incrementAndGet());
    return request("tools/call", p);
  }

  public void notify(String method) throws IOException, InterruptedException {
    ObjectNode msg = JSON.createObjectNode();
    msg.put("jsonrpc", "2.0");
    msg.put("method", method);
    http.send(builder().POST(body(msg)).build(), HttpResponse.BodyHandlers.discarding());
  }

  private Answer send(String method, JsonNode params, boolean init)
      throws IOException, InterruptedException {
    long id = ids.incrementAndGet();
    ObjectNode msg = JSON.createObjectNode();
    msg.put("jsonrpc", "2.0");
    msg.put("id", id);
    msg.put("method", method);
    if (params != null) {
      msg.set("params", params);
    }
    HttpResponse<String> resp =
        http.send(builder().POST(body(msg)).build(), HttpResponse.BodyHandlers.ofString());
    if (init) {
      resp.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
    }
    String ct = resp.headers().firstValue("Content-Type").orElse("");
    String b = resp.body();
    JsonNode answer = null;
    if (ct.startsWith("text/event-stream")) {
      for (String line : b.split("\n")) {
        if (line.startsWith("data:")) {
          JsonNode n = parse(line.substring(5).trim());
          if (n != null && n.path("id").asLong(-1) == id) {
            answer = n;
          }
        }
      }
    } else if (!b.isBlank()) {
      answer = parse(b);
    }
    return new Answer(resp.statusCode(), answer);
  }

  private static JsonNode parse(String s) {
    try {
      return JSON.readTree(s);
    } catch (IOException e) {
      return null;
    }
  }

  private HttpRequest.Builder builder() {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream");
    String s = sessionId;
    if (s != null) {
      b.header("Mcp-Session-Id", s).header("MCP-Protocol-Version", PROTOCOL);
    }
    return b;
  }

  private static HttpRequest.BodyPublisher body(JsonNode msg) throws IOException {
    return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(msg));
  }
}
