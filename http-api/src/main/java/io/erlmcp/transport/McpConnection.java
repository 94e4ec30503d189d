package io.erlmcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.Decoded;
import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.stateless.NotificationBus;
import io.erlmcp.runtime.stateless.StatelessMeta;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One MCP connection of a message transport: a single bidirectional channel that carries
 * whole JSON-RPC messages both ways and holds at most one session, created by the connection's
 * {@code initialize}. stdio, WebSocket, TCP and the legacy HTTP+SSE stream differ only in
 * framing; this class is what they share: decoding, the session's lifecycle on the channel,
 * 2026-07-28 requests (no session), server-to-client requests and notifications (sent through
 * the same {@link Sink}), catalog notifications for the session, and cleanup when the channel
 * ends.
 *
 * <p>Messages that arrive while {@code initialize} is being persisted wait for it and then run
 * in order, so a client that pipelines {@code notifications/initialized} behind its initialize
 * never races the session's creation. Nothing here blocks.
 */
public final class McpConnection {
  /** Where a connection's outgoing messages go; the framing is the transport's. */
  @FunctionalInterface
  public interface Sink {
    void send(JsonRpcMessage message);
  }

  private final McpEdge edge;
  private final String transport;
  private final Sink sink;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final McpServer.Listener listener = new CatalogListener();
  private final Object lock = new Object();
  private CompletableFuture<Void> gate; // guarded by lock: set while initialize runs
  private volatile String sessionId;
  private volatile SessionState session;

  /** 2026-07-28 requests running now, by JSON-RPC id: their key in the request table. */
  private final Map<RequestId, String> statelessRunning = new ConcurrentHashMap<>();

  /** Open subscriptions/listen subscriptions, by the listen request's id. */
  private final Map<RequestId, NotificationBus.Subscription> listens = new ConcurrentHashMap<>();

  /**
   * A connection of {@code transport} (its name in the presence registry: stdio, tcp, websocket,
   * sse) whose outgoing messages go to {@code sink}.
   */
  public McpConnection(McpEdge edge, String transport, Sink sink) {
    this.edge = edge;
    this.transport = transport;
    this.sink = sink;
    edge.core().server().addListener(listener);
  }

  /** The id of the session this connection created, or null before initialize. */
  public String sessionId() {
    return sessionId;
  }

  /** Requests (and an initialize) still waiting for their answer. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * One framed message from the client (a line, a WebSocket text message). A frame of only
   * whitespace is not a message and is ignored; malformed JSON is answered -32700.
   */
  public void onFrame(byte[] bytes) {
    if (isBlank(bytes)) {
      return;
    }
    onDecoded(codec.decode(bytes));
  }

  /** An already decoded frame (a single message, a batch, or a decoding failure). */
  public void onDecoded(Decoded d) {
    if (closed.get()) {
      return;
    }
    if (d instanceof Decoded.Failure f) {
      send(f.error());
    } else if (d instanceof Decoded.Single s) {
      onMessage(s.message());
    } else if (d instanceof Decoded.Batch b) {
      SessionState st = session;
      if (st == null || !st.protocolVersion().allowsBatches()) {
        send(
            new JsonRpcMessage.ErrorResponse(
                null,
                JsonRpcError.invalidRequest(
                    "JSON-RPC batches are not allowed in this session's protocol revision")));
        return;
      }
      for (Decoded.Item item : b.items()) {
        if (item instanceof Decoded.Failure f) {
          send(f.error());
        } else {
          onMessage(((Decoded.Single) item).message());
        }
      }
    }
  }

  /** Sends a message to the client outside any request (an error about the framing, say). */
  public void send(JsonRpcMessage m) {
    sink.send(m);
  }

  /**
   * The channel ended: running requests are cancelled, server requests waiting for this client
   * fail, listen subscriptions end. The session's journaled state is untouched. Idempotent.
   */
  public void close(String reason) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    edge.core().server().removeListener(listener);
    String sid = sessionId;
    if (sid != null) {
      edge.disconnected(sid);
      edge.core().requests().tell(new RequestManager.CancelSession(sid, reason));
      edge.pending().failSession(sid, reason);
    }
    listens.values().forEach(NotificationBus.Subscription::close);
    listens.clear();
    statelessRunning.forEach((rid, id) -> edge.cancel(id, rid, reason));
  }

  private void onMessage(JsonRpcMessage m) {
    synchronized (lock) {
      if (gate != null && !gate.isDone()) {
        gate = gate.thenRun(() -> handle(m));
        return;
      }
    }
    handle(m);
  }

  private void handle(JsonRpcMessage m) {
    String sid = sessionId;
    if (m instanceof JsonRpcMessage.Request r) {
      // The one routing decision between the eras: a request naming its protocol version in
      // _meta is a 2026-07-28 request (docs/stateless.md); it never belongs to a session.
      if (StatelessMeta.versionOf(r.params()) != null) {
        if (sid != null) {
          send(
              new JsonRpcMessage.ErrorResponse(
                  r.id(),
                  JsonRpcError.invalidRequest(
                      "A request of a session must not name a protocol version in _meta")));
        } else {
          onStateless(r);
        }
        return;
      }
      if (McpMethods.INITIALIZE.equals(r.method())) {
        onInitialize(r, sid);
        return;
      }
      if (sid == null) {
        if (McpMethods.PING.equals(r.method())) {
          send(new JsonRpcMessage.Response(r.id(), Json.object()));
        } else {
          send(
              new JsonRpcMessage.ErrorResponse(
                  r.id(),
                  JsonRpcError.invalidRequest("Server not initialized: send initialize first")));
        }
        return;
      }
      inFlight.incrementAndGet();
      edge.request(sid, r, new ConnectionOutbound(sid))
          .whenComplete((o, e) -> inFlight.decrementAndGet())
          .thenAccept(o -> sendOutcome(r.id(), o));
    } else if (m instanceof JsonRpcMessage.Notification n) {
      if (McpMethods.NOTIFICATION_CANCELLED.equals(n.method()) && cancelStateless(n)) {
        return;
      }
      if (sid != null) {
        edge.notification(sid, n);
      }
    } else if (sid != null) {
      edge.response(sid, m);
    }
  }

  private void onInitialize(JsonRpcMessage.Request r, String sid) {
    synchronized (lock) {
      if (sid != null || (gate != null && !gate.isDone())) {
        send(
            new JsonRpcMessage.ErrorResponse(
                r.id(), JsonRpcError.invalidRequest("the session is already initialized")));
        return;
      }
      inFlight.incrementAndGet();
      gate =
          edge.initialize(r, transport, true)
              .handle(
                  (init, e) -> {
                    try {
                      if (e != null) {
                        send(new JsonRpcMessage.ErrorResponse(r.id(), McpEdge.errorOf(e)));
                      } else {
                        if (init.sessionId() != null) {
                          session = init.state();
                          sessionId = init.sessionId();
                        }
                        send(init.response());
                      }
                    } finally {
                      inFlight.decrementAndGet();
                    }
                    return (Void) null;
                  })
              .toCompletableFuture();
    }
  }

  /** A 2026-07-28 request: its _meta checked, then run without a session. */
  private void onStateless(JsonRpcMessage.Request r) {
    StatelessMeta meta;
    try {
      meta = StatelessMeta.parse(r.params());
    } catch (JsonRpcException e) {
      send(new JsonRpcMessage.ErrorResponse(r.id(), e.error()));
      return;
    }
    if (McpMethods.SUBSCRIPTIONS_LISTEN.equals(r.method())) {
      try {
        listens.put(r.id(), edge.listen(r, this::send));
      } catch (JsonRpcException e) {
        send(new JsonRpcMessage.ErrorResponse(r.id(), e.error()));
      }
      return;
    }
    String statelessId = McpEdge.newStatelessId();
    statelessRunning.put(r.id(), statelessId);
    inFlight.incrementAndGet();
    edge.statelessRequest(statelessId, r, meta, new ConnectionOutbound(statelessId))
        .whenComplete(
            (o, e) -> {
              inFlight.decrementAndGet();
              statelessRunning.remove(r.id(), statelessId);
            })
        .thenAccept(o -> sendOutcome(r.id(), o));
  }

  /**
   * notifications/cancelled for a 2026-07-28 request or listen subscription: cancels it (a
   * listen subscription ends with no response). False when the id is none of those.
   */
  private boolean cancelStateless(JsonRpcMessage.Notification n) {
    JsonNode id = n.params() == null ? null : n.params().get("requestId");
    if (id == null) {
      return false;
    }
    RequestId rid = RequestId.of(id);
    NotificationBus.Subscription sub = listens.remove(rid);
    if (sub != null) {
      sub.close();
      return true;
    }
    String statelessId = statelessRunning.get(rid);
    if (statelessId != null) {
      edge.cancel(statelessId, rid, n.params().path("reason").asText("cancelled by the client"));
      return true;
    }
    return false;
  }

  /** The answer to a request, by its outcome; a cancelled request gets none, as required. */
  private void sendOutcome(RequestId id, RequestManager.Outcome o) {
    if (o instanceof RequestManager.Outcome.Responded resp) {
      send(resp.response());
    } else if (o instanceof RequestManager.Outcome.Rejected rej) {
      send(new JsonRpcMessage.ErrorResponse(id, rej.error()));
    } else if (o instanceof RequestManager.Outcome.Failed) {
      send(new JsonRpcMessage.ErrorResponse(id, JsonRpcError.internalError("Internal error")));
    }
  }

  private static boolean isBlank(byte[] bytes) {
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return false;
      }
    }
    return true;
  }

  /** list_changed and resources/updated for this connection's session. */
  private final class CatalogListener implements McpServer.Listener {
    @Override
    public void catalogChanged(McpServer.CatalogKind kind) {
      if (sessionId == null) {
        return;
      }
      String method =
          switch (kind) {
            case TOOLS -> McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED;
            case RESOURCES -> McpMethods.NOTIFICATION_RESOURCES_LIST_CHANGED;
            case PROMPTS -> McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED;
          };
      send(new JsonRpcMessage.Notification(method, null));
    }

    /** A task's status (or its progress and log messages) for this connection's session. */
    @Override
    public void sessionNotification(String sid, String method, JsonNode params) {
      if (sid != null && sid.equals(sessionId)) {
        send(new JsonRpcMessage.Notification(method, params));
      }
    }

    @Override
    public void resourceUpdated(String uri) {
      String sid = sessionId;
      if (sid == null) {
        return;
      }
      SessionState s = edge.core().sessions().cached(sid);
      if (s != null && s.subscriptions().contains(uri)) {
        send(
            new JsonRpcMessage.Notification(
                McpMethods.NOTIFICATION_RESOURCES_UPDATED, Json.object().put("uri", uri)));
      }
    }
  }

  /** Notifications and server-to-client requests of one request, down the same channel. */
  private final class ConnectionOutbound implements Outbound {
    private final String sid;

    ConnectionOutbound(String sid) {
      this.sid = sid;
    }

    @Override
    public void notify(String method, JsonNode params) {
      send(new JsonRpcMessage.Notification(method, params));
    }

    @Override
    public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
      RequestId id = edge.pending().nextId();
      CompletableFuture<JsonNode> answer = edge.pending().register(sid, id, timeout);
      if (!answer.isDone()) {
        send(new JsonRpcMessage.Request(id, method, params));
      }
      return answer;
    }
  }
}
