package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.stateless.RequestStateSealer;
import io.erlmcp.runtime.stateless.StatelessMeta;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The "session" of one 2026-07-28 request: what the client said in the request's {@code _meta},
 * plus the multi round-trip bookkeeping. The same handlers serve it as a real session; where a
 * session would send the client sampling, elicitation or roots requests, this one looks the
 * answer up among the client's {@code inputResponses} (this round's and those sealed in the
 * request state), and otherwise records an input request: the dispatcher then answers with an
 * {@code input_required} result whatever the handler made of the missing answer.
 *
 * <p>One per request; not shared between threads other than the handler's own chain.
 */
public final class StatelessSession implements SessionPort {
  private final SessionState state;
  private final String method;
  private final String target;
  private final ObjectNode responses;
  private final RequestStateSealer sealer;
  private final Map<String, ObjectNode> pending = new LinkedHashMap<>();
  private final Map<String, Integer> sequence = new LinkedHashMap<>();

  /**
   * @param method the request's method, {@code target} its tool/prompt name or URI: the state is
   *     sealed for exactly this request
   * @param responses every answer the client has given (opened state plus this round's)
   */
  public StatelessSession(
      StatelessMeta meta,
      String method,
      String target,
      ObjectNode responses,
      RequestStateSealer sealer) {
    this.state =
        new SessionState(
            null,
            meta.version(),
            meta.clientInfo(),
            meta.clientCapabilities(),
            true,
            meta.logLevel(),
            Set.of(),
            Map.of(),
            1,
            java.util.List.of(),
            Set.of(),
            0,
            false,
            System.currentTimeMillis());
    this.method = method;
    this.target = target;
    this.responses = responses;
    this.sealer = sealer;
  }

  private StatelessSession(
      SessionState state,
      String method,
      String target,
      ObjectNode responses,
      RequestStateSealer sealer) {
    this.state = state;
    this.method = method;
    this.target = target;
    this.responses = responses;
    this.sealer = sealer;
  }

  /**
   * A fresh session of the same request with the same answers and no open input request: a
   * task's run of the handler asks its questions here, not in the request it came from.
   */
  public StatelessSession fork() {
    synchronized (this) {
      return new StatelessSession(state, method, target, responses.deepCopy(), sealer);
    }
  }

  /**
   * Builds the session of a stateless request from its params: opens {@code requestState} if
   * any (throws -32602 when it is not authentic, not this request's, or expired) and merges the
   * client's {@code inputResponses} over it.
   */
  public static StatelessSession of(
      StatelessMeta meta, String method, JsonNode params, RequestStateSealer sealer) {
    String target = targetOf(method, params);
    ObjectNode all = Json.object();
    JsonNode st = params == null ? null : params.get("requestState");
    if (st != null && !st.isNull()) {
      if (!st.isTextual()) {
        throw new JsonRpcException(JsonRpcError.invalidParams("requestState must be a string"));
      }
      all.setAll(sealer.open(st.asText(), method, target).responses());
    }
    JsonNode in = params == null ? null : params.get("inputResponses");
    if (in != null && !in.isNull()) {
      if (!in.isObject()) {
        throw new JsonRpcException(
            JsonRpcError.invalidParams("inputResponses must be an object keyed by input request"));
      }
      in.properties()
          .forEach(
              e -> {
                if (e.getValue().isObject()) {
                  all.set(e.getKey(), e.getValue());
                }
              });
    }
    return new StatelessSession(meta, method, target, all, sealer);
  }

  /** The name or URI a request is about (also what {@code Mcp-Name} must say). */
  public static String targetOf(String method, JsonNode params) {
    if (params == null || !params.isObject()) {
      return null;
    }
    JsonNode n =
        switch (method) {
          case "tools/call", "prompts/get" -> params.get("name");
          case "resources/read" -> params.get("uri");
          // SEP-2663: the tasks extension's methods are routed by their task id.
          case "tasks/get", "tasks/update", "tasks/cancel" -> params.get("taskId");
          default -> null;
        };
    return n != null && n.isTextual() ? n.asText() : null;
  }

  @Override
  public SessionState state() {
    return state;
  }

  @Override
  public CompletionStage<SessionState> execute(SessionCommand command) {
    return CompletableFuture.failedFuture(
        new JsonRpcException(
            JsonRpcError.invalidRequest(
                "protocol revision 2026-07-28 has no session to keep state in")));
  }

  /**
   * A key for an unnamed input request: the capability it needs and its call order, e.g.
   * {@code elicitation-2} (stable, since the handler re-runs the same way).
   */
  synchronized String nextKey(String capability) {
    int n = sequence.merge(capability, 1, Integer::sum);
    return capability + "-" + n;
  }

  /**
   * The client's answer to input request {@code key}, or null after recording the request (the
   * result will be input_required).
   */
  synchronized JsonNode answer(String key, String method, ObjectNode params) {
    JsonNode r = responses.get(key);
    if (r != null) {
      return r;
    }
    ObjectNode req = Json.object().put("method", method);
    req.set("params", params == null ? Json.object() : params);
    pending.put(key, req);
    return null;
  }

  private Long hintTtlMillis; // guarded by this
  private String hintScope; // guarded by this

  /** A handler's own caching hint for its result (see {@link RequestContext#cacheHint}). */
  synchronized void cacheHint(long ttlMillis, String scope) {
    this.hintTtlMillis = ttlMillis;
    this.hintScope = scope;
  }

  /** The handler's ttlMs, or {@code fallback}. */
  synchronized long hintTtlMillis(long fallback) {
    return hintTtlMillis != null ? hintTtlMillis : fallback;
  }

  /** The handler's cacheScope, or {@code fallback}. */
  synchronized String hintScope(String fallback) {
    return hintScope != null ? hintScope : fallback;
  }

  /** Whether the handler asked for input the client has not given yet. */
  public synchronized boolean inputRequired() {
    return !pending.isEmpty();
  }

  /** The input requests the handler made that the client has not answered (a copy). */
  public synchronized ObjectNode pendingRequests() {
    ObjectNode reqs = Json.object();
    pending.forEach(reqs::set);
    return reqs;
  }

  /** Every answer the client has given so far (a copy). */
  public synchronized ObjectNode responses() {
    return responses.deepCopy();
  }

  /** The {@code input_required} result: the open requests and the sealed answers so far. */
  public synchronized ObjectNode inputRequiredResult() {
    ObjectNode result = Json.object().put("resultType", "input_required");
    ObjectNode reqs = result.putObject("inputRequests");
    pending.forEach(reqs::set);
    result.put("requestState", sealer.seal(method, target, responses.deepCopy()));
    return result;
  }
}
