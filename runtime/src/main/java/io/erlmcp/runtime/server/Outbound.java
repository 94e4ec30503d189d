package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** What a request can send to its client while it runs. The transport decides how. */
public interface Outbound {

  /** A notification related to the running request (progress, log messages). */
  void notify(String method, JsonNode params);

  /**
   * A server-to-client request (sampling, roots, elicitation): completes with its result, or
   * fails with {@link io.erlmcp.runtime.jsonrpc.JsonRpcException} (the client's error) or a
   * {@link java.util.concurrent.TimeoutException}.
   */
  CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout);

  /** Nothing goes out: for hosts and tests that have no channel back. */
  Outbound NONE =
      new Outbound() {
        @Override
        public void notify(String method, JsonNode params) {}

        @Override
        public CompletionStage<JsonNode> request(String method, JsonNode params, Duration t) {
          return java.util.concurrent.CompletableFuture.failedFuture(
              new io.erlmcp.runtime.jsonrpc.JsonRpcException(
                  io.erlmcp.runtime.jsonrpc.JsonRpcError.internalError(
                      "this transport cannot carry server-to-client requests")));
        }
      };
}
