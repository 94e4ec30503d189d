package io.erlmcp.runtime.server;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One initialized session served by a {@link McpDispatcher}: an {@link InMemorySession}, a
 * recording {@link Outbound}, and helpers that send a request and unwrap its answer.
 */
final class DispatcherHarness {

  /** A message the dispatcher sent to the client. */
  record Sent(String method, JsonNode params, Duration timeout) {}

  /** Records notifications; answers server-to-client requests with {@link #answer}. */
  static final class RecordingOutbound implements Outbound {
    final List<Sent> notifications = new CopyOnWriteArrayList<>();
    final List<Sent> requests = new CopyOnWriteArrayList<>();
    volatile Function<Sent, CompletionStage<JsonNode>> answer =
        s -> CompletableFuture.completedFuture(Json.object());

    @Override
    public void notify(String method, JsonNode params) {
      notifications.add(new Sent(method, params, null));
    }

    @Override
    public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
      Sent s = new Sent(method, params, timeout);
      requests.add(s);
      return answer.apply(s);
    }

    List<Sent> notificationsOf(String method) {
      return notifications.stream().filter(n -> n.method().equals(method)).toList();
    }
  }

  final McpDispatcher dispatcher;
  final InMemorySession session = new InMemorySession();
  final RecordingOutbound out = new RecordingOutbound();
  final ObjectNode initializeResult;
  private final AtomicLong ids = new AtomicLong();

  DispatcherHarness(McpServer server, McpDispatcher.Settings settings, String version, JsonNode caps) {
    this.dispatcher = new McpDispatcher(server, settings);
    McpDispatcher.InitializeOutcome outcome =
        dispatcher.initialize(initializeParams(version, caps), "session-1", 1_000L);
    session.execute(outcome.command()).toCompletableFuture().join();
    this.initializeResult = outcome.result();
  }

  DispatcherHarness(McpServer server, String version) {
    this(server, McpDispatcher.Settings.DEFAULT, version, Json.object());
  }

  DispatcherHarness(McpServer server, String version, JsonNode caps) {
    this(server, McpDispatcher.Settings.DEFAULT, version, caps);
  }

  static ObjectNode initializeParams(String version, JsonNode caps) {
    ObjectNode p = Json.object().put("protocolVersion", version);
    p.set("capabilities", caps);
    p.putObject("clientInfo").put("name", "test-client").put("version", "1.0");
    return p;
  }

  JsonRpcMessage.Request request(String method, JsonNode params) {
    return new JsonRpcMessage.Request(RequestId.of(ids.incrementAndGet()), method, params);
  }

  /** Starts a request; the stage is the dispatcher's. */
  CompletableFuture<JsonRpcMessage> start(String method, JsonNode params, CancellationToken t) {
    return dispatcher.respond(request(method, params), session, out, t).toCompletableFuture();
  }

  /** Sends a request and waits (bounded) for its answer. */
  JsonRpcMessage send(String method, JsonNode params) {
    return await(start(method, params, new CancellationToken()));
  }

  static JsonRpcMessage await(CompletableFuture<JsonRpcMessage> f) {
    try {
      return f.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new AssertionError("no answer: " + e, e);
    }
  }

  /** The result of a request that must succeed. */
  ObjectNode result(String method, JsonNode params) {
    return resultOf(send(method, params));
  }

  static ObjectNode resultOf(JsonRpcMessage m) {
    if (m instanceof JsonRpcMessage.ErrorResponse e) {
      fail("expected a result, got error " + e.error());
    }
    JsonRpcMessage.Response r = assertInstanceOf(JsonRpcMessage.Response.class, m);
    return assertInstanceOf(ObjectNode.class, r.result());
  }

  /** The error of a request that must fail. */
  JsonRpcError error(String method, JsonNode params) {
    return errorOf(send(method, params));
  }

  static JsonRpcError errorOf(JsonRpcMessage m) {
    if (m instanceof JsonRpcMessage.Response r) {
      fail("expected an error, got result " + r.result());
    }
    return assertInstanceOf(JsonRpcMessage.ErrorResponse.class, m).error();
  }

  static ObjectNode obj(String json) {
    return Json.parseObject(json);
  }

  static ObjectNode callParams(String tool, String argsJson) {
    ObjectNode p = Json.object().put("name", tool);
    if (argsJson != null) {
      p.set("arguments", Json.parse(argsJson));
    }
    return p;
  }
}
