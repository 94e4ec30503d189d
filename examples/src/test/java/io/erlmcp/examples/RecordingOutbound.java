package io.erlmcp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.server.Outbound;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/** An {@link Outbound} that records what a request sends and answers requests like a client. */
final class RecordingOutbound implements Outbound {

  record Sent(String method, JsonNode params) {}

  final List<Sent> notifications = new CopyOnWriteArrayList<>();
  final List<Sent> requests = new CopyOnWriteArrayList<>();

  /** How the "client" answers server-to-client requests; by default it refuses them. */
  volatile BiFunction<String, JsonNode, CompletionStage<JsonNode>> answer =
      (method, params) ->
          CompletableFuture.failedFuture(
              new JsonRpcException(JsonRpcError.methodNotFound(method)));

  @Override
  public void notify(String method, JsonNode params) {
    notifications.add(new Sent(method, params.deepCopy()));
  }

  @Override
  public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
    requests.add(new Sent(method, params.deepCopy()));
    return answer.apply(method, params);
  }

  List<Sent> notifications(String method) {
    return notifications.stream().filter(s -> s.method().equals(method)).toList();
  }
}
