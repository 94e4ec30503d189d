package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What a handler knows about the request it serves, and what it may do while it runs: report
 * progress, log to the client, ask the client (sampling, roots, elicitation), read and write
 * session data, and notice cancellation.
 */
public interface RequestContext {

  /** The session id; null on the stateless revision. */
  String sessionId();

  ProtocolVersion protocolVersion();

  RequestId requestId();

  /** The request's {@code _meta}, or an empty object. */
  JsonNode meta();

  JsonNode clientInfo();

  JsonNode clientCapabilities();

  /** Whether the client declared a capability ("sampling", "roots", "elicitation"). */
  boolean clientSupports(String capability);

  /**
   * Sends {@code notifications/progress} when the request carried a progress token; otherwise
   * does nothing. {@code progress} must increase from call to call.
   */
  void progress(double progress, Double total, String message);

  /** Sends {@code notifications/message} if {@code level} passes the session's log level. */
  void log(LogLevel level, String logger, JsonNode data);

  default void log(LogLevel level, String message) {
    log(level, null, io.erlmcp.runtime.Json.NODES.textNode(message));
  }

  /** {@code sampling/createMessage}; fails with -32601 style error if the client lacks sampling. */
  CompletionStage<JsonNode> createMessage(ObjectNode params, Duration timeout);

  /** {@code elicitation/create} (form or URL mode); needs the client's elicitation capability. */
  CompletionStage<JsonNode> elicit(ObjectNode params, Duration timeout);

  /** {@code ping} to the client: completes when it answers. Every client must answer pings. */
  CompletionStage<JsonNode> pingClient(Duration timeout);

  /** {@code roots/list}; needs the client's roots capability. */
  CompletionStage<JsonNode> listRoots(Duration timeout);

  /*
   * Named variants for protocol revision 2026-07-28, where a request that needs the client's
   * input answers input_required with its questions keyed by name and is retried with the
   * answers under the same keys. The unnamed methods above number their questions per method
   * (elicitation-1, sampling-1, roots-1, ...); a handler that wants stable, readable keys
   * names them. On session revisions the key is ignored.
   */

  /** {@link #createMessage(ObjectNode, Duration)}, its input request keyed {@code key}. */
  default CompletionStage<JsonNode> createMessage(String key, ObjectNode params, Duration timeout) {
    return createMessage(params, timeout);
  }

  /** {@link #elicit(ObjectNode, Duration)}, its input request keyed {@code key}. */
  default CompletionStage<JsonNode> elicit(String key, ObjectNode params, Duration timeout) {
    return elicit(params, timeout);
  }

  /** {@link #listRoots(Duration)}, its input request keyed {@code key}. */
  default CompletionStage<JsonNode> listRoots(String key, Duration timeout) {
    return listRoots(timeout);
  }

  /**
   * Caching hint for this request's result on revision 2026-07-28 ({@code ttlMs} and
   * {@code cacheScope} of a {@code resources/read} result), overriding the server's default
   * ({@code erlmcp.stateless.read-ttl}, {@code cache-scope}). Ignored on other methods and on the
   * session revisions.
   *
   * @param ttl how long the client may reuse the result (zero: do not reuse)
   * @param userSpecific true for {@code "private"} (only within this authorization context)
   */
  default void cacheHint(Duration ttl, boolean userSpecific) {}

  /** Set when the client cancels; the host also cancels the handler's future. */
  CancellationToken cancellation();

  /** Handler-owned session data (absent on the stateless revision). */
  Optional<JsonNode> sessionData(String key);

  /** Stores session data; completes once durably written. */
  CompletionStage<Void> putSessionData(String key, JsonNode value);

  CompletionStage<Void> removeSessionData(String key);
}
