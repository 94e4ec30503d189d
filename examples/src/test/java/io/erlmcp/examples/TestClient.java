package io.erlmcp.examples;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.InMemorySession;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One initialized 2025-11-25 session of a server, driven through {@link McpDispatcher} the way a
 * transport host drives it: requests in, responses out, side traffic on a recording Outbound.
 */
final class TestClient {
  static final String SUITE_CAPABILITIES = "{\"sampling\":{},\"elicitation\":{}}";

  final McpDispatcher dispatcher;
  final InMemorySession session = new InMemorySession();
  final RecordingOutbound out = new RecordingOutbound();
  final ObjectNode initializeResult;
  private final AtomicLong ids = new AtomicLong();

  TestClient(McpServer server) {
    this(server, SUITE_CAPABILITIES);
  }

  TestClient(McpServer server, String clientCapabilities) {
    dispatcher = new McpDispatcher(server);
    ObjectNode params = Json.object().put("protocolVersion", "2025-11-25");
    params.set("capabilities", Json.parseObject(clientCapabilities));
    params.putObject("clientInfo").put("name", "conformance-test-client").put("version", "1.0.0");
    long now = System.currentTimeMillis();
    McpDispatcher.InitializeOutcome init = dispatcher.initialize(params, "test-session", now);
    session.execute(init.command()).toCompletableFuture().join();
    dispatcher
        .onNotification(
            new JsonRpcMessage.Notification("notifications/initialized", null), session, now)
        .toCompletableFuture()
        .join();
    initializeResult = init.result();
  }

  /** Sends a request; the future completes with the response (or a CancellationException). */
  CompletableFuture<JsonRpcMessage> send(String method, JsonNode params, CancellationToken c) {
    JsonRpcMessage.Request req =
        new JsonRpcMessage.Request(RequestId.of(ids.incrementAndGet()), method, params);
    return dispatcher.respond(req, session, out, c).toCompletableFuture();
  }

  JsonRpcMessage await(String method, JsonNode params) {
    try {
      return send(method, params, new CancellationToken()).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " did not answer", e);
    }
  }

  /** The result of a request that must succeed. */
  JsonNode result(String method, String paramsJson) {
    return result(method, paramsJson == null ? null : Json.parseObject(paramsJson));
  }

  JsonNode result(String method, JsonNode params) {
    JsonRpcMessage m = await(method, params);
    if (m instanceof JsonRpcMessage.ErrorResponse e) {
      throw new AssertionError(method + " failed: " + e.error());
    }
    return assertInstanceOf(JsonRpcMessage.Response.class, m).result();
  }

  /** The error of a request that must fail. */
  JsonRpcError error(String method, String paramsJson) {
    JsonRpcMessage m = await(method, paramsJson == null ? null : Json.parseObject(paramsJson));
    return assertInstanceOf(JsonRpcMessage.ErrorResponse.class, m, () -> "answer: " + m).error();
  }

  /** {@code tools/call} of {@code name} with the given arguments JSON (null: no member). */
  JsonNode call(String name, String argumentsJson) {
    ObjectNode p = Json.object().put("name", name);
    if (argumentsJson != null) {
      p.set("arguments", Json.parseObject(argumentsJson));
    }
    return result("tools/call", p);
  }
}
