package io.erlmcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.actors.Core;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionMachine;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.SessionPort;
import io.erlmcp.runtime.server.StatelessSession;
import io.erlmcp.runtime.stateless.LocalNotificationBus;
import io.erlmcp.runtime.stateless.NotificationBus;
import io.erlmcp.runtime.stateless.RequestStateSealer;
import io.erlmcp.runtime.stateless.StatelessMeta;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * What every transport does with an MCP message once it has decoded it and knows its session:
 * create sessions, run requests on request workers, route the client's answers to server
 * requests, pass notifications to the core, end sessions. Transports differ only in framing and
 * in how they carry messages back. The one place transports ask actors.
 */
public final class McpEdge {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Core core;
  private final PendingClientRequests pending;
  private final Metrics metrics;
  private final Duration requestAskTimeout;
  private final int maxInlinePending;
  private final RequestStateSealer sealer;
  private final NotificationBus bus;

  public McpEdge(Core core, Metrics metrics) {
    this.core = core;
    this.metrics = metrics;
    String nodeTag = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
    this.pending =
        new PendingClientRequests(
            nodeTag, core.config().getInt("erlmcp.transport.max-pending-client-requests"));
    // The request itself has its own timeout (tool-timeout); this only bounds a lost reply.
    this.requestAskTimeout =
        core.config().getDuration("erlmcp.protocol.tool-timeout").plusSeconds(30);
    this.maxInlinePending = core.config().getInt("erlmcp.requests.max-in-flight");
    this.sealer = sealer(core.config());
    this.bus = LocalNotificationBus.of(core.server());
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(McpEdge.class);
  private static RequestStateSealer randomSealer; // one per JVM when no key is configured

  /** The request-state key of erlmcp.stateless.state-key, or a random per-process one. */
  static synchronized RequestStateSealer sealer(com.typesafe.config.Config config) {
    Duration ttl =
        config.hasPath("erlmcp.stateless.state-ttl")
            ? config.getDuration("erlmcp.stateless.state-ttl")
            : Duration.ofMinutes(10);
    String key =
        config.hasPath("erlmcp.stateless.state-key")
            ? config.getString("erlmcp.stateless.state-key")
            : "";
    if (!key.isBlank()) {
      return RequestStateSealer.fromBase64(key, ttl);
    }
    if (randomSealer == null) {
      log.warn(
          "erlmcp.stateless.state-key is not set: using a random key for this process. Retries of"
              + " 2026-07-28 input_required requests that reach another node (or this one after a"
              + " restart) will be refused; set the same base64 AES key on every node.");
      randomSealer = RequestStateSealer.random(ttl);
    }
    return randomSealer;
  }

  public Core core() {
    return core;
  }

  public McpDispatcher dispatcher() {
    return core.dispatcher();
  }

  public PendingClientRequests pending() {
    return pending;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** A new session id: 128 random bits, base64url (visible ASCII, as the spec asks). */
  public static String newSessionId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** The result of initialize: the new session's id and the response to send. */
  public record Initialized(String sessionId, JsonRpcMessage response, SessionState state) {}

  /**
   * Runs {@code initialize}: negotiates, persists the new session, and answers. Params errors are
   * answered as JSON-RPC errors (no session is created then). The new session's client counts as
   * connected to this node by {@code transport} (the presence registry): until {@link
   * #disconnected} when {@code connectionBound}, else until it ends or idles.
   */
  public CompletionStage<Initialized> initialize(
      JsonRpcMessage.Request request, String transport, boolean connectionBound) {
    long start = System.nanoTime();
    String sessionId = newSessionId();
    McpDispatcher.InitializeOutcome outcome;
    try {
      if (!core.writable()) {
        throw readOnly();
      }
      outcome = core.dispatcher().initialize(request.params(), sessionId, System.currentTimeMillis());
    } catch (JsonRpcException e) {
      metrics.request(McpMethods.INITIALIZE, "error", System.nanoTime() - start);
      return CompletableFuture.completedFuture(
          new Initialized(null, new JsonRpcMessage.ErrorResponse(request.id(), e.error()), null));
    }
    return core.sessions()
        .execute(sessionId, outcome.command())
        .handle(
            (state, err) -> {
              if (err != null) {
                metrics.request(McpMethods.INITIALIZE, "error", System.nanoTime() - start);
                return new Initialized(
                    null,
                    new JsonRpcMessage.ErrorResponse(request.id(), errorOf(err)),
                    null);
              }
              metrics.request(McpMethods.INITIALIZE, "ok", System.nanoTime() - start);
              metrics.sessionCreated();
              core.clients()
                  .connected(
                      sessionId,
                      transport,
                      state == null ? null : state.clientInfo(),
                      connectionBound);
              return new Initialized(
                  sessionId, new JsonRpcMessage.Response(request.id(), outcome.result()), state);
            });
  }

  /**
   * Runs a request of an existing session on a request worker. Completes with the outcome; a
   * cancelled request completes with {@link RequestManager.Outcome.Cancelled} (send nothing).
   */
  public CompletionStage<RequestManager.Outcome> request(
      String sessionId, JsonRpcMessage.Request request, Outbound out) {
    return request(sessionId, request, out, null);
  }

  // ------------------------------------------------------------------ 2026-07-28 (stateless)

  /** The notification bus behind subscriptions/listen streams. */
  public NotificationBus bus() {
    return bus;
  }

  /**
   * A key for one stateless request while it runs (its "session" in the request table, so that
   * cancelling it works like cancelling a session request). Never journaled.
   */
  public static String newStatelessId() {
    return "stateless-" + newSessionId();
  }

  /**
   * Runs a 2026-07-28 request whose {@code _meta} the transport has validated: opens its request
   * state (a bad one is answered -32602), then runs it like a session request, with a
   * {@link StatelessSession} instead of the journaled session.
   */
  public CompletionStage<RequestManager.Outcome> statelessRequest(
      String statelessId, JsonRpcMessage.Request request, StatelessMeta meta, Outbound out) {
    StatelessSession session;
    try {
      session = StatelessSession.of(meta, request.method(), request.params(), sealer);
    } catch (JsonRpcException e) {
      metrics.request(request.method(), "error", 0);
      return CompletableFuture.completedFuture(
          new RequestManager.Outcome.Responded(
              new JsonRpcMessage.ErrorResponse(request.id(), e.error())));
    }
    return request(statelessId, request, out, session);
  }

  /** Cancels a running request (stdio notifications/cancelled, or a closed HTTP stream). */
  public void cancel(String sessionId, RequestId rid, String reason) {
    CancellationToken inlineToken = inlineRunning.get(new InlineKey(sessionId, rid));
    if (inlineToken != null) {
      inlineToken.cancel(reason);
    } else {
      core.requests().tell(new RequestManager.Cancel(sessionId, rid, reason));
    }
  }

  /**
   * Opens a {@code subscriptions/listen} subscription: sends the acknowledgement (the filter
   * this server can honour) through {@code send}, then every matching notification, each tagged
   * with the subscription id (the request's id), until the handle is closed.
   */
  public NotificationBus.Subscription listen(
      JsonRpcMessage.Request request,
      java.util.function.Consumer<JsonRpcMessage.Notification> send) {
    JsonNode params = request.params();
    JsonNode filter = params == null ? null : params.get("notifications");
    if (filter == null || !filter.isObject()) {
      throw new JsonRpcException(
          io.erlmcp.runtime.jsonrpc.JsonRpcError.invalidParams(
              "subscriptions/listen needs params.notifications (a subscription filter)"));
    }
    McpServer server = core.server();
    com.fasterxml.jackson.databind.node.ObjectNode honoured = io.erlmcp.runtime.Json.object();
    boolean tools = filter.path("toolsListChanged").asBoolean(false) && server.hasTools();
    boolean prompts = filter.path("promptsListChanged").asBoolean(false) && server.hasPrompts();
    boolean resources =
        filter.path("resourcesListChanged").asBoolean(false) && server.hasResources();
    java.util.Set<String> uris = new java.util.HashSet<>();
    if (tools) {
      honoured.put("toolsListChanged", true);
    }
    if (prompts) {
      honoured.put("promptsListChanged", true);
    }
    if (resources) {
      honoured.put("resourcesListChanged", true);
    }
    JsonNode subs = filter.get("resourceSubscriptions");
    if (subs != null && subs.isArray() && server.hasResources()) {
      com.fasterxml.jackson.databind.node.ArrayNode arr = honoured.putArray("resourceSubscriptions");
      subs.forEach(
          u -> {
            if (u.isTextual() && uris.add(u.asText())) {
              arr.add(u.asText());
            }
          });
    }
    JsonNode subscriptionId = request.id().toJson();
    java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> tag =
            p -> {
              p.putObject("_meta").set(StatelessMeta.SUBSCRIPTION_ID, subscriptionId);
              return p;
            };
    com.fasterxml.jackson.databind.node.ObjectNode ack = io.erlmcp.runtime.Json.object();
    ack.set("notifications", honoured);
    // Subscribed before the acknowledgement goes out (nothing published in between is lost),
    // and nothing is sent before it: a publisher waits on the lock until the ack is written.
    Object order = new Object();
    synchronized (order) {
      NotificationBus.Subscription sub =
          bus.subscribe(
              event -> {
                synchronized (order) {
                  deliver(event, tools, prompts, resources, uris, tag, send);
                }
              });
      send.accept(
          new JsonRpcMessage.Notification(
              McpMethods.NOTIFICATION_SUBSCRIPTIONS_ACKNOWLEDGED, tag.apply(ack)));
      return sub;
    }
  }

  /** One bus event to one listen subscription, if its filter asked for it. */
  private static void deliver(
      NotificationBus.Event event,
      boolean tools,
      boolean prompts,
      boolean resources,
      java.util.Set<String> uris,
      java.util.function.UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> tag,
      java.util.function.Consumer<JsonRpcMessage.Notification> send) {
    if (event instanceof NotificationBus.ListChanged lc) {
      String method =
          switch (lc.kind()) {
            case TOOLS -> tools ? McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED : null;
            case PROMPTS -> prompts ? McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED : null;
            case RESOURCES -> resources ? McpMethods.NOTIFICATION_RESOURCES_LIST_CHANGED : null;
          };
      if (method != null) {
        send.accept(new JsonRpcMessage.Notification(method, tag.apply(io.erlmcp.runtime.Json.object())));
      }
    } else if (event instanceof NotificationBus.ResourceUpdated ru && uris.contains(ru.uri())) {
      send.accept(
          new JsonRpcMessage.Notification(
              McpMethods.NOTIFICATION_RESOURCES_UPDATED,
              tag.apply(io.erlmcp.runtime.Json.object().put("uri", ru.uri()))));
    }
  }

  private CompletionStage<RequestManager.Outcome> request(
      String sessionId, JsonRpcMessage.Request request, Outbound out, SessionPort statelessPort) {
    long start = System.nanoTime();
    if (!core.writable() && isWrite(request.method())) {
      metrics.request(request.method(), "read_only", System.nanoTime() - start);
      return CompletableFuture.completedFuture(
          new RequestManager.Outcome.Responded(
              new JsonRpcMessage.ErrorResponse(request.id(), readOnly().error())));
    }
    if (pooledRunning.get() + inlineRunning.size() >= maxInlinePending) {
      // The node's bound on running requests holds for both paths: past it, even an instant
      // request is refused at once rather than piling more work on a saturated node.
      RequestManager.Outcome.Rejected busy =
          new RequestManager.Outcome.Rejected(
              JsonRpcError.internalError(
                  "Server busy: " + maxInlinePending + " requests already running on this node"),
              true);
      metrics.request(request.method(), outcomeTag(busy), System.nanoTime() - start);
      return CompletableFuture.completedFuture(busy);
    }
    SessionPort port =
        statelessPort != null ? statelessPort : core.sessions().port(sessionId);
    if (core.dispatcher().runsInline(request)) {
      return inline(sessionId, request, out, start, port);
    }
    pooledRunning.incrementAndGet();
    CompletionStage<RequestManager.Outcome> outcome =
        io.erlmcp.runtime.Stages.direct(
        AskPattern.ask(
            core.requests(),
            (org.apache.pekko.actor.typed.ActorRef<RequestManager.Outcome> replyTo) ->
                new RequestManager.Start(sessionId, request, port, out, replyTo),
            requestAskTimeout,
            core.system().scheduler()));
    return outcome.handle(
        (o, err) -> {
          pooledRunning.decrementAndGet();
          if (err != null) {
            o =
                new RequestManager.Outcome.Responded(
                    new JsonRpcMessage.ErrorResponse(
                        request.id(), JsonRpcError.internalError("request did not complete")));
          }
          metrics.request(request.method(), outcomeTag(o), System.nanoTime() - start);
          return o;
        });
  }

  private record InlineKey(String sessionId, io.erlmcp.runtime.jsonrpc.RequestId id) {}

  private final java.util.Map<InlineKey, CancellationToken> inlineRunning =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicInteger pooledRunning =
      new java.util.concurrent.atomic.AtomicInteger();

  /**
   * The hot path: a request with no blocking user code runs here, on the receiving thread, with
   * no actor and no thread hop. If it does not complete at once (it waits for the journal, say)
   * it stays cancellable through its token, like a worker's request, and counts against the
   * same in-flight bound.
   */
  private CompletionStage<RequestManager.Outcome> inline(
      String sessionId,
      JsonRpcMessage.Request request,
      Outbound out,
      long start,
      SessionPort port) {
    CancellationToken token = new CancellationToken();
    CompletableFuture<JsonRpcMessage> response =
        core.dispatcher()
            .respond(request, port, out, token)
            .toCompletableFuture();
    if (!response.isDone()) {
      InlineKey key = new InlineKey(sessionId, request.id());
      if (inlineRunning.size() >= maxInlinePending || inlineRunning.putIfAbsent(key, token) != null) {
        token.cancel("refused");
        RequestManager.Outcome.Rejected rejected =
            inlineRunning.size() >= maxInlinePending
                ? new RequestManager.Outcome.Rejected(
                    JsonRpcError.internalError("Server busy: too many requests waiting"), true)
                : new RequestManager.Outcome.Rejected(
                    JsonRpcError.invalidRequest(
                        "Request id " + request.id() + " is already in use by a running request"),
                    false);
        metrics.request(request.method(), outcomeTag(rejected), System.nanoTime() - start);
        return CompletableFuture.completedFuture(rejected);
      }
      response.whenComplete((r, e) -> inlineRunning.remove(key, token));
    }
    return response.handle(
        (r, e) -> {
          RequestManager.Outcome o =
              e == null
                  ? new RequestManager.Outcome.Responded(r)
                  : new RequestManager.Outcome.Cancelled(token.reason());
          metrics.request(request.method(), outcomeTag(o), System.nanoTime() - start);
          return o;
        });
  }

  /** A notification from the client. */
  public CompletionStage<Void> notification(String sessionId, JsonRpcMessage.Notification n) {
    metrics.notification(n.method());
    if (McpMethods.NOTIFICATION_CANCELLED.equals(n.method())) {
      JsonNode params = n.params();
      JsonNode id = params == null ? null : params.get("requestId");
      io.erlmcp.runtime.jsonrpc.RequestId rid =
          id == null ? null : io.erlmcp.runtime.jsonrpc.RequestId.of(id);
      if (rid != null) {
        cancel(sessionId, rid, params.path("reason").asText("cancelled by the client"));
      }
      return CompletableFuture.completedFuture(null);
    }
    return core.dispatcher()
        .onNotification(n, core.sessions().port(sessionId), System.currentTimeMillis())
        .exceptionally(e -> null);
  }

  /** The client's answer to one of our requests. */
  public void response(String sessionId, JsonRpcMessage message) {
    if (message instanceof JsonRpcMessage.Response r) {
      pending.complete(sessionId, r.id(), r.result());
    } else if (message instanceof JsonRpcMessage.ErrorResponse e && e.id() != null) {
      pending.fail(sessionId, e.id(), e.error());
    }
  }

  /** The connection that carried a session closed: its client is no longer on this node. */
  public void disconnected(String sessionId) {
    core.clients().disconnected(sessionId);
  }

  /** Ends a session (DELETE): persisted, running requests cancelled, waiting requests failed. */
  public CompletionStage<SessionState> end(String sessionId, String reason) {
    disconnected(sessionId);
    core.requests().tell(new RequestManager.CancelSession(sessionId, reason));
    inlineRunning.forEach(
        (k, t) -> {
          if (k.sessionId().equals(sessionId)) {
            t.cancel(reason);
          }
        });
    pending.failSession(sessionId, "session ended");
    return core.sessions()
        .execute(sessionId, new SessionCommand.End(System.currentTimeMillis(), reason))
        .whenComplete((s, e) -> core.sessions().forget(sessionId));
  }

  /** Methods that change session state: refused while this node is read-only. */
  static boolean isWrite(String method) {
    return switch (method) {
      case McpMethods.LOGGING_SET_LEVEL,
          McpMethods.RESOURCES_SUBSCRIBE,
          McpMethods.RESOURCES_UNSUBSCRIBE,
          McpMethods.INITIALIZE -> true;
      default -> false;
    };
  }

  /** Error code of a write refused because this node cannot see a majority of its cluster. */
  public static final int READ_ONLY = -32010;

  public static JsonRpcException readOnly() {
    return new JsonRpcException(
        JsonRpcError.of(READ_ONLY, "Node is read-only: it cannot see a majority of its cluster")
            .withData(
                io.erlmcp.runtime.Json.object()
                    .put("mode", "read_only")
                    .put("retry", "send the request to another node or retry later")));
  }

  public static JsonRpcError errorOf(Throwable err) {
    Throwable c = err;
    while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof JsonRpcException j) {
      return j.error();
    }
    return JsonRpcError.internalError("Internal error");
  }

  /** Whether an error means the session does not exist (HTTP answers 404). */
  public static boolean isSessionNotFound(JsonRpcError e) {
    return e.code() == SessionMachine.SESSION_NOT_FOUND;
  }

  private static String outcomeTag(RequestManager.Outcome o) {
    if (o instanceof RequestManager.Outcome.Responded r) {
      return r.response() instanceof JsonRpcMessage.ErrorResponse ? "error" : "ok";
    }
    if (o instanceof RequestManager.Outcome.Cancelled) {
      return "cancelled";
    }
    if (o instanceof RequestManager.Outcome.Rejected rej) {
      return rej.overloaded() ? "overloaded" : "rejected";
    }
    return "failed";
  }
}
