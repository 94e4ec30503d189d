package io.erlmcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.RequestId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-to-client requests waiting for the client's answer (sampling, roots, elicitation), keyed
 * by session and the id erlmcp gave them. Bounded: past {@code max} waiting requests a new one
 * fails at once. Each entry leaves the table when answered, timed out or cancelled.
 */
public final class PendingClientRequests {
  private final Map<Key, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong counter = new AtomicLong();
  private final String nodeTag;
  private final int max;

  private record Key(String sessionId, RequestId id) {}

  public PendingClientRequests(String nodeTag, int max) {
    this.nodeTag = nodeTag;
    this.max = max;
  }

  /** A fresh request id, unique on this node (and, with the node tag, in the cluster). */
  public RequestId nextId() {
    return new RequestId.Str("erlmcp-" + nodeTag + "-" + counter.incrementAndGet());
  }

  /** Registers a request and returns the future its answer completes. */
  public CompletableFuture<JsonNode> register(String sessionId, RequestId id, Duration timeout) {
    if (pending.size() >= max) {
      return CompletableFuture.failedFuture(
          new JsonRpcException(
              JsonRpcError.internalError("too many server-to-client requests waiting")));
    }
    Key key = new Key(sessionId, id);
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(key, f);
    f.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> pending.remove(key, f));
    return f;
  }

  /** The client's result; false when no such request is waiting (late or unknown answer). */
  public boolean complete(String sessionId, RequestId id, JsonNode result) {
    CompletableFuture<JsonNode> f = pending.remove(new Key(sessionId, id));
    return f != null && f.complete(result);
  }

  /** The client's error answer. */
  public boolean fail(String sessionId, RequestId id, JsonRpcError error) {
    CompletableFuture<JsonNode> f = pending.remove(new Key(sessionId, id));
    return f != null && f.completeExceptionally(new JsonRpcException(error));
  }

  /** Fails every request of a session (the session ended). */
  public void failSession(String sessionId, String reason) {
    pending.forEach(
        (k, f) -> {
          if (k.sessionId().equals(sessionId)) {
            f.completeExceptionally(new JsonRpcException(JsonRpcError.internalError(reason)));
          }
        });
  }

  public int size() {
    return pending.size();
  }
}
