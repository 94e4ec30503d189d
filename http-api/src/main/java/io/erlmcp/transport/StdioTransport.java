package io.erlmcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.runtime.jsonrpc.Decoded;
import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.session.SessionState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over stdio: one JSON-RPC message per line on stdin and stdout, nothing else on stdout
 * (logs go to stderr). One session per process, created by {@code initialize}; its state is in
 * the journal like any other session. End of input ends the transport cleanly: running requests
 * are cancelled and {@code onEof} runs (the CLI then stops the node and exits 0).
 *
 * <p>Reading stdin blocks, so it happens on a dedicated thread, never on an actor thread. Lines
 * longer than the limit are skipped to their end and answered -32600.
 */
public final class StdioTransport {
  private static final Logger log = LoggerFactory.getLogger(StdioTransport.class);

  private final McpEdge edge;
  private final InputStream in;
  private final OutputStream out;
  private final int maxLineBytes;
  private final Runnable onEof;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final java.util.concurrent.atomic.AtomicInteger inFlight =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile String sessionId;
  private volatile SessionState session;

  private StdioTransport(
      McpEdge edge, InputStream in, OutputStream out, int maxLineBytes, Runnable onEof) {
    this.edge = edge;
    this.in = in;
    this.out = out;
    this.maxLineBytes = maxLineBytes;
    this.onEof = onEof;
  }

  /** How long requests still running at end of input may take to answer. */
  static final Duration EOF_GRACE = Duration.ofSeconds(10);

  public static Behavior<Void> create(
      McpEdge edge, InputStream in, OutputStream out, Runnable onEof) {
    return Behaviors.setup(
        ctx -> {
          int max =
              (int)
                  Math.min(
                      Integer.MAX_VALUE - 8,
                      edge.core().config().getBytes("erlmcp.stdio.max-line-bytes"));
          StdioTransport t = new StdioTransport(edge, in, out, max, onEof);
          McpServer.Listener listener = t.new CatalogListener();
          edge.core().server().addListener(listener);
          Thread reader = new Thread(t::readLoop, "erlmcp-stdio-reader");
          reader.setDaemon(true);
          reader.start();
          return Behaviors.receive(Void.class)
              .onSignal(
                  PostStop.class,
                  s -> {
                    edge.core().server().removeListener(listener);
                    reader.interrupt();
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private void readLoop() {
    ByteArrayOutputStream line = new ByteArrayOutputStream(4096);
    boolean overflow = false;
    byte[] buf = new byte[65536];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          byte b = buf[i];
          if (b == '\n') {
            if (overflow) {
              write(
                  new JsonRpcMessage.ErrorResponse(
                      null,
                      JsonRpcError.invalidRequest(
                          "message longer than " + maxLineBytes + " bytes")));
            } else if (line.size() > 0) {
              onLine(line.toByteArray());
            }
            line.reset();
            overflow = false;
          } else if (!overflow) {
            if (line.size() >= maxLineBytes) {
              overflow = true;
              line.reset();
            } else {
              line.write(b);
            }
          }
        }
      }
      if (line.size() > 0 && !overflow) {
        onLine(line.toByteArray());
      }
    } catch (IOException e) {
      log.info("stdin closed: {}", e.getMessage());
    }
    // Answer what was already asked (a piped client closes stdin right after writing), within
    // a grace period, then end.
    long deadline = System.nanoTime() + EOF_GRACE.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    log.info("end of input: ending the stdio transport");
    String sid = sessionId;
    if (sid != null) {
      edge.core().requests().tell(new RequestManager.CancelSession(sid, "stdin closed"));
      edge.pending().failSession(sid, "stdin closed");
    }
    listens.values().forEach(io.erlmcp.runtime.stateless.NotificationBus.Subscription::close);
    listens.clear();
    statelessRunning.forEach((rid, id) -> edge.cancel(id, rid, "stdin closed"));
    onEof.run();
  }

  private void onLine(byte[] bytes) {
    // A line of only whitespace (\r from CRLF clients, blank lines) is not a message.
    boolean blank = true;
    for (byte b : bytes) {
      if (b != ' ' && b != '\t' && b != '\r') {
        blank = false;
        break;
      }
    }
    if (blank) {
      return;
    }
    Decoded d = codec.decode(bytes);
    if (d instanceof Decoded.Failure f) {
      write(f.error());
    } else if (d instanceof Decoded.Single s) {
      onMessage(s.message());
    } else if (d instanceof Decoded.Batch b) {
      SessionState st = session;
      if (st == null || !st.protocolVersion().allowsBatches()) {
        write(
            new JsonRpcMessage.ErrorResponse(
                null,
                JsonRpcError.invalidRequest(
                    "JSON-RPC batches are not allowed in this session's protocol revision")));
        return;
      }
      for (Decoded.Item item : b.items()) {
        if (item instanceof Decoded.Failure f) {
          write(f.error());
        } else {
          onMessage(((Decoded.Single) item).message());
        }
      }
    }
  }

  /** 2026-07-28 requests running now, by JSON-RPC id: their key in the request table. */
  private final java.util.Map<RequestId, String> statelessRunning =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Open subscriptions/listen subscriptions, by the listen request's id. */
  private final java.util.Map<RequestId, io.erlmcp.runtime.stateless.NotificationBus.Subscription>
      listens = new java.util.concurrent.ConcurrentHashMap<>();

  private void onMessage(JsonRpcMessage m) {
    String sid = sessionId;
    if (m instanceof JsonRpcMessage.Request r) {
      // The one routing decision between the eras: a request naming its protocol version in
      // _meta is a 2026-07-28 request (docs/stateless.md); it never belongs to a session.
      if (io.erlmcp.runtime.stateless.StatelessMeta.versionOf(r.params()) != null) {
        if (sid != null) {
          write(
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
        if (sid != null) {
          write(
              new JsonRpcMessage.ErrorResponse(
                  r.id(), JsonRpcError.invalidRequest("the session is already initialized")));
          return;
        }
        // The reader waits for initialize (it runs on its own thread, not an actor's): the
        // client's next messages belong to the session it creates.
        try {
          McpEdge.Initialized init =
              edge.initialize(r).toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
          if (init.sessionId() != null) {
            sessionId = init.sessionId();
            session = init.state();
          }
          write(init.response());
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
          write(new JsonRpcMessage.ErrorResponse(r.id(), McpEdge.errorOf(e)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (sid == null) {
        if (McpMethods.PING.equals(r.method())) {
          write(new JsonRpcMessage.Response(r.id(), io.erlmcp.runtime.Json.object()));
        } else {
          write(
              new JsonRpcMessage.ErrorResponse(
                  r.id(),
                  JsonRpcError.invalidRequest("Server not initialized: send initialize first")));
        }
        return;
      }
      inFlight.incrementAndGet();
      edge.request(sid, r, new StdioOutbound(sid))
          .whenComplete((o, e) -> inFlight.decrementAndGet())
          .thenAccept(o -> writeOutcome(r.id(), o));
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

  /** A 2026-07-28 request: its _meta checked, then run without a session. */
  private void onStateless(JsonRpcMessage.Request r) {
    io.erlmcp.runtime.stateless.StatelessMeta meta;
    try {
      meta = io.erlmcp.runtime.stateless.StatelessMeta.parse(r.params());
    } catch (io.erlmcp.runtime.jsonrpc.JsonRpcException e) {
      write(new JsonRpcMessage.ErrorResponse(r.id(), e.error()));
      return;
    }
    if (McpMethods.SUBSCRIPTIONS_LISTEN.equals(r.method())) {
      try {
        listens.put(r.id(), edge.listen(r, this::write));
      } catch (io.erlmcp.runtime.jsonrpc.JsonRpcException e) {
        write(new JsonRpcMessage.ErrorResponse(r.id(), e.error()));
      }
      return;
    }
    String statelessId = McpEdge.newStatelessId();
    statelessRunning.put(r.id(), statelessId);
    inFlight.incrementAndGet();
    edge.statelessRequest(statelessId, r, meta, new StdioOutbound(statelessId))
        .whenComplete(
            (o, e) -> {
              inFlight.decrementAndGet();
              statelessRunning.remove(r.id(), statelessId);
            })
        .thenAccept(o -> writeOutcome(r.id(), o));
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
    io.erlmcp.runtime.stateless.NotificationBus.Subscription sub = listens.remove(rid);
    if (sub != null) {
      sub.close();
      return true;
    }
    String statelessId = statelessRunning.get(rid);
    if (statelessId != null) {
      edge.cancel(
          statelessId, rid, n.params().path("reason").asText("cancelled by the client"));
      return true;
    }
    return false;
  }

  /** The answer to a request, by its outcome; a cancelled request gets none, as required. */
  private void writeOutcome(RequestId id, RequestManager.Outcome o) {
    if (o instanceof RequestManager.Outcome.Responded resp) {
      write(resp.response());
    } else if (o instanceof RequestManager.Outcome.Rejected rej) {
      write(new JsonRpcMessage.ErrorResponse(id, rej.error()));
    } else if (o instanceof RequestManager.Outcome.Failed) {
      write(new JsonRpcMessage.ErrorResponse(id, JsonRpcError.internalError("Internal error")));
    }
  }

  /** Writes one message as one line; lines from concurrent requests never interleave. */
  private void write(JsonRpcMessage m) {
    byte[] bytes = codec.encode(m);
    synchronized (out) {
      try {
        out.write(bytes);
        out.write('\n');
        out.flush();
      } catch (IOException e) {
        log.warn("cannot write to stdout: {}", e.getMessage());
      }
    }
  }

  /** list_changed and resources/updated for this process's session. */
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
      write(new JsonRpcMessage.Notification(method, null));
    }

    /** A task's status (or its progress and log messages) for this process's session. */
    @Override
    public void sessionNotification(
        String sid, String method, com.fasterxml.jackson.databind.JsonNode params) {
      if (sid != null && sid.equals(sessionId)) {
        write(new JsonRpcMessage.Notification(method, params));
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
        write(
            new JsonRpcMessage.Notification(
                McpMethods.NOTIFICATION_RESOURCES_UPDATED,
                io.erlmcp.runtime.Json.object().put("uri", uri)));
      }
    }
  }

  private final class StdioOutbound implements Outbound {
    private final String sid;

    StdioOutbound(String sid) {
      this.sid = sid;
    }

    @Override
    public void notify(String method, JsonNode params) {
      write(new JsonRpcMessage.Notification(method, params));
    }

    @Override
    public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
      RequestId id = edge.pending().nextId();
      CompletableFuture<JsonNode> answer = edge.pending().register(sid, id, timeout);
      if (!answer.isDone()) {
        write(new JsonRpcMessage.Request(id, method, params));
      }
      return answer;
    }
  }
}
