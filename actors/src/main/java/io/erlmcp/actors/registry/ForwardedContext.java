package io.erlmcp.actors.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.RequestContext;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The context of a call served for a client of another node ({@link CatalogRegistry}): it knows
 * the session id and revision, and can be cancelled; it cannot reach the client (no sampling,
 * elicitation, roots or ping; progress and log messages are dropped) nor the session's data. Those
 * fail with -32603 and a message that says why.
 */
final class ForwardedContext implements RequestContext {
  private final String callId;
  private final String sessionId;
  private final ProtocolVersion version;
  private final CancellationToken cancellation = new CancellationToken();

  ForwardedContext(String callId, String sessionId, ProtocolVersion version) {
    this.callId = callId;
    this.sessionId = sessionId;
    this.version = version;
  }

  private static <T> CompletionStage<T> unavailable(String what) {
    return CompletableFuture.failedFuture(
        new JsonRpcException(
            JsonRpcError.internalError(
                what + " is not available to a call served by another node of the cluster than the"
                    + " client's")));
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public ProtocolVersion protocolVersion() {
    return version;
  }

  @Override
  public RequestId requestId() {
    return RequestId.of("forwarded-" + callId);
  }

  @Override
  public JsonNode meta() {
    return Json.object();
  }

  @Override
  public JsonNode clientInfo() {
    return Json.object();
  }

  @Override
  public JsonNode clientCapabilities() {
    return Json.object();
  }

  @Override
  public boolean clientSupports(String capability) {
    return false;
  }

  @Override
  public void progress(double progress, Double total, String message) {}

  @Override
  public void log(LogLevel level, String logger, JsonNode data) {}

  @Override
  public CompletionStage<JsonNode> createMessage(ObjectNode params, Duration timeout) {
    return unavailable("sampling/createMessage");
  }

  @Override
  public CompletionStage<JsonNode> elicit(ObjectNode params, Duration timeout) {
    return unavailable("elicitation/create");
  }

  @Override
  public CompletionStage<JsonNode> pingClient(Duration timeout) {
    return unavailable("ping to the client");
  }

  @Override
  public CompletionStage<JsonNode> listRoots(Duration timeout) {
    return unavailable("roots/list");
  }

  @Override
  public CancellationToken cancellation() {
    return cancellation;
  }

  @Override
  public Optional<JsonNode> sessionData(String key) {
    return Optional.empty();
  }

  @Override
  public CompletionStage<Void> putSessionData(String key, JsonNode value) {
    return unavailable("session data");
  }

  @Override
  public CompletionStage<Void> removeSessionData(String key) {
    return unavailable("session data");
  }
}
