package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Streamable HTTP requests a server must refuse, sent raw with java.net.http. Each is refused
 * with the right status (and a JSON-RPC error body where there is one), and after each a second,
 * healthy session still works.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180)
class HttpBadInputInteropTest {
  private static final String TOOLS_LIST = "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}";

  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  private ErlmcpServer server;
  private RawMcp raw;
  private String healthy;
  private String session;

  @BeforeAll
  void startServer() {
    server =
        ErlmcpServer.startHttp(
            ErlmcpServer.freePort(),
            ErlmcpServer.newDataDir("bad-input"),
            serverLog.watch(ErlmcpServer.newLogFile("bad-input")));
    raw = new RawMcp(server.url());
    healthy = raw.initialize();
    session = raw.initialize();
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.stop();
    }
  }

  /** After every bad request, another session is still served. */
  @AfterEach
  void healthySessionStillServes() {
    assertEquals("still healthy", raw.echo(healthy, "still healthy"));
  }

  @Test
  void malformedJsonIs400WithAParseError() {
    HttpResponse<String> r = raw.post(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":");
    assertEquals(400, r.statusCode());
    assertJsonRpcError(r, -32700);
  }

  @Test
  void bodyOverTheSizeLimitIs413() {
    // 5 MiB of a well-formed request: over the 4 MiB default limit.
    String big = "x".repeat(5 * 1024 * 1024);
    HttpResponse<String> r =
        raw.post(session, RawMcp.toolCall(6, "echo", "{\"message\":\"" + big + "\"}"));
    assertEquals(413, r.statusCode());
    // The session the oversized request was sent in still serves too.
    assertEquals("after 413", raw.echo(session, "after 413"));
  }

  @Test
  void requestWithoutSessionIdIs400() {
    HttpResponse<String> r = raw.post(null, TOOLS_LIST);
    assertEquals(400, r.statusCode());
    assertJsonRpcError(r, -32600);
  }

  @Test
  void unknownSessionIdIs404() {
    HttpResponse<String> r = raw.post("no-such-session-" + System.nanoTime(), TOOLS_LIST);
    assertEquals(404, r.statusCode());
  }

  @Test
  void unsupportedProtocolVersionHeaderIs400() {
    HttpResponse<String> r =
        raw.send(
            raw.postBuilder(session, TOOLS_LIST)
                .setHeader("MCP-Protocol-Version", "1999-01-01")
                .build());
    assertEquals(400, r.statusCode());
    assertTrue(r.body().contains("1999-01-01"), r.body());
  }

  @Test
  void foreignOriginIs403() {
    HttpResponse<String> r =
        raw.send(
            raw.postBuilder(session, TOOLS_LIST)
                .header("Origin", "http://evil.example.com")
                .build());
    assertEquals(403, r.statusCode());
  }

  @Test
  void textPlainContentTypeIs415() {
    HttpResponse<String> r =
        raw.send(raw.postBuilder(session, TOOLS_LIST).setHeader("Content-Type", "text/plain").build());
    assertEquals(415, r.statusCode());
  }

  @Test
  void putIs405() {
    HttpResponse<String> r =
        raw.send(
            raw.postBuilder(session, TOOLS_LIST)
                .PUT(HttpRequest.BodyPublishers.ofString(TOOLS_LIST))
                .build());
    assertEquals(405, r.statusCode());
    assertTrue(r.headers().firstValue("Allow").isPresent(), "405 names the allowed methods");
  }

  @Test
  void deletedSessionIsGoneWith404() {
    String doomed = raw.initialize();
    HttpResponse<String> deleted =
        raw.send(
            HttpRequest.newBuilder(URI.create(server.url()))
                .header("Mcp-Session-Id", doomed)
                .header("MCP-Protocol-Version", RawMcp.LATEST_VERSION)
                .DELETE()
                .build());
    assertTrue(
        deleted.statusCode() == 200 || deleted.statusCode() == 204,
        "DELETE answered " + deleted.statusCode());
    HttpResponse<String> reused = raw.post(doomed, TOOLS_LIST);
    assertEquals(404, reused.statusCode());
  }

  @Test
  void notificationIsAcceptedWith202AndNoBody() {
    HttpResponse<String> r =
        raw.post(session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
    assertEquals(202, r.statusCode());
    assertEquals("", r.body());
  }

  private static void assertJsonRpcError(HttpResponse<String> r, int code) {
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
        "error body is JSON");
    JsonNode body = RawMcp.parse(r.body());
    assertEquals("2.0", body.path("jsonrpc").asString());
    assertTrue(body.get("id").isNull(), "id is null: " + body);
    assertEquals(code, body.at("/error/code").asInt(), body.toString());
  }
}
