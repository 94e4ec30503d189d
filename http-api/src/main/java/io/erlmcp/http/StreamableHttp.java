package io.erlmcp.http;

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
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.StatelessSession;
import io.erlmcp.runtime.stateless.ParamHeaders;
import io.erlmcp.runtime.stateless.StatelessMeta;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.session.StreamEvent;
import io.erlmcp.transport.McpEdge;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Allow;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP transport of MCP (2025-03-26 and later) on one path, usually {@code /mcp}:
 * POST carries client messages and is answered with JSON, or with an SSE stream once the request
 * sends notifications or server requests; GET opens the session's standalone SSE stream or
 * resumes any stream with Last-Event-ID; DELETE ends the session.
 *
 * <p>HTTP status codes: 400 malformed JSON (-32700), missing session id, unsupported or
 * mismatched MCP-Protocol-Version; 403 Origin outside the allow list; 404 unknown or ended
 * session; 405 other methods; 406 unusable Accept; 413 body over
 * the limit; 415 non-JSON body; 202 for notifications and responses; 503 with Retry-After when
 * the node is overloaded or its session store does not answer.
 */
public final class StreamableHttp extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(StreamableHttp.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String SESSION_HEADER = "Mcp-Session-Id";
  static final String VERSION_HEADER = "MCP-Protocol-Version";
  static final String METHOD_HEADER = "Mcp-Method";
  static final String NAME_HEADER = "Mcp-Name";

  private final McpEdge edge;
  private final HttpSettings settings;
  private final Materializer mat;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final StreamRegistry streams = new StreamRegistry();
  private final Broadcaster broadcaster = new Broadcaster();
  private final HttpResponse methodNotAllowed;
  private final org.apache.pekko.http.scaladsl.model.Uri.Path mcpPath;

  public StreamableHttp(McpEdge edge, HttpSettings settings, Materializer mat) {
    this.edge = edge;
    this.settings = settings;
    this.mat = mat;
    this.mcpPath = org.apache.pekko.http.scaladsl.model.Uri.Path$.MODULE$.apply(
            "/" + settings.path(), java.nio.charset.StandardCharsets.UTF_8);
    edge.core().server().addListener(broadcaster);
    this.methodNotAllowed =
        HttpResponse.create()
            .withStatus(StatusCodes.METHOD_NOT_ALLOWED)
            .addHeader(Allow.create(HttpMethods.GET, HttpMethods.POST, HttpMethods.DELETE))
            .withEntity(
                ContentTypes.APPLICATION_JSON,
                errorBody(
                    JsonRpcError.invalidRequest("Method not allowed: use POST, GET or DELETE")));
  }

  /** Stops listening to the server's catalog (the listener is being stopped or restarted). */
  public void close() {
    edge.core().server().removeListener(broadcaster);
  }

  public Route route() {
    return path(
        PathMatchers.separateOnSlashes(settings.path()),
        () ->
            extractRequest(
                req -> {
                  Optional<HttpResponse> refused = HttpErrors.originRefused(req, settings);
                  if (refused.isPresent()) {
                    return complete(refused.get());
                  }
                  return concat(
                      post(() -> completeWithFuture(guard(() -> onPost(req)))),
                      get(() -> completeWithFuture(guard(() -> onGet(req)))),
                      delete(() -> completeWithFuture(guard(() -> onDelete(req)))),
                      complete(methodNotAllowed));
                }));
  }

  /**
   * Whether {@code req} is a Streamable HTTP POST on the MCP path, the one request of the hot
   * path: {@link #post} answers it without the routing DSL (whose directives, rejections and
   * concatenated alternatives cost about a fifth of the CPU of a {@code tools/call}). A POST
   * carrying {@code ?sessionId=} and no {@code Mcp-Session-Id} belongs to the legacy HTTP+SSE
   * transport and is not one.
   */
  public boolean isPost(HttpRequest req) {
    org.apache.pekko.http.scaladsl.model.Uri uri =
        ((org.apache.pekko.http.scaladsl.model.HttpRequest) req).uri();
    if (!HttpMethods.POST.equals(req.method()) || !mcpPath.equals(uri.path())) {
      return false;
    }
    if (uri.rawQueryString().isEmpty() || RequestHeaders.present(req, SESSION_HEADER)) {
      return true;
    }
    try {
      return req.getUri().query().get(LegacySse.SESSION_PARAM).isEmpty();
    } catch (RuntimeException malformedQuery) {
      return false; // the route answers it
    }
  }

  /** Answers a request for which {@link #isPost} holds, exactly as {@link #route} would. */
  public CompletionStage<HttpResponse> post(HttpRequest req) {
    Optional<HttpResponse> refused = HttpErrors.originRefused(req, settings);
    return refused.isPresent() ? done(refused.get()) : guard(() -> onPost(req));
  }

  /** Any unexpected failure becomes a 500 with a JSON-RPC error, never a dropped connection. */
  private CompletionStage<HttpResponse> guard(java.util.function.Supplier<CompletionStage<HttpResponse>> f) {
    CompletionStage<HttpResponse> s;
    try {
      s = f.get();
    } catch (RuntimeException e) {
      s = CompletableFuture.failedFuture(e);
    }
    return s.exceptionally(
        e -> {
          JsonRpcError err = McpEdge.errorOf(e);
          if (err.code() == JsonRpcError.INTERNAL_ERROR) {
            log.warn("HTTP request failed", e);
            return error(StatusCodes.SERVICE_UNAVAILABLE, err)
                .addHeader(RawHeader.create("Retry-After", "1"));
          }
          return error(StatusCodes.BAD_REQUEST, err);
        });
  }

  // ------------------------------------------------------------------ POST

  private CompletionStage<HttpResponse> onPost(HttpRequest req) {
    if (!req.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(
          error(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              JsonRpcError.invalidRequest("Content-Type must be application/json")));
    }
    String accept = header(req, "Accept").orElse("*/*");
    boolean acceptsSse = accept.contains("text/event-stream") || accept.contains("*/*");
    boolean acceptsJson =
        accept.contains("application/json")
            || accept.contains("application/*")
            || accept.contains("*/*");
    if (!acceptsJson && !acceptsSse) {
      return done(
          error(
              StatusCodes.NOT_ACCEPTABLE,
              JsonRpcError.invalidRequest(
                  "Accept must include application/json and text/event-stream")));
    }
    if (req.entity().getContentLengthOption().isPresent()
        && req.entity().getContentLengthOption().getAsLong() > settings.maxBodyBytes()) {
      return done(tooLarge());
    }
    if (req.entity() instanceof HttpEntity.Strict strict) {
      // The usual case (a body with Content-Length, already in memory): no stream to run.
      if (strict.getData().size() > settings.maxBodyBytes()) {
        return done(tooLarge());
      }
      return onPostBody(req, strict.getData(), acceptsSse, acceptsJson);
    }
    return io.erlmcp.runtime.Stages.direct(
            req.entity().toStrict(10_000, settings.maxBodyBytes(), mat))
        .thenCompose(strict -> onPostBody(req, strict.getData(), acceptsSse, acceptsJson))
        .exceptionally(
            e -> {
              Throwable c = e;
              while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
              }
              if (isTooLarge(c)) {
                return tooLarge();
              }
              throw new java.util.concurrent.CompletionException(c);
            });
  }

  /**
   * Whether reading the body failed on the size limit: a declared length over the limit fails
   * with EntityStreamSizeException, a chunked body (no Content-Length) fails inside toStrict
   * with EntityStreamException "Request too large".
   */
  private static boolean isTooLarge(Throwable c) {
    return c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException
        || (c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamException ese
            && "Request too large".equals(ese.info().summary()));
  }

  private HttpResponse tooLarge() {
    return error(
        StatusCodes.CONTENT_TOO_LARGE,
        JsonRpcError.invalidRequest(
            "Request body larger than " + settings.maxBodyBytes() + " bytes"));
  }

  private CompletionStage<HttpResponse> onPostBody(
      HttpRequest req, ByteString body, boolean acceptsSse, boolean acceptsJson) {
    Decoded decoded = codec.decode(body.toArray());
    if (decoded instanceof Decoded.Failure f) {
      return done(json(StatusCodes.BAD_REQUEST, f.error()));
    }
    // The one routing decision between the eras (docs/http-transport.md, docs/stateless.md).
    Optional<String> rawVersion = header(req, VERSION_HEADER).map(String::trim);
    boolean statelessHeader =
        rawVersion.flatMap(ProtocolVersion::parse).map(ProtocolVersion::isStateless).orElse(false);
    Optional<String> sid0 = header(req, SESSION_HEADER);
    if (sid0.isPresent() && statelessHeader) {
      return done(
          error(
              StatusCodes.BAD_REQUEST,
              JsonRpcError.invalidRequest(
                  "A 2026-07-28 request carries no Mcp-Session-Id: that revision has no sessions")));
    }
    if (decoded instanceof Decoded.Single single0) {
      JsonRpcMessage m0 = single0.message();
      String metaVersion =
          m0 instanceof JsonRpcMessage.Request r0 ? StatelessMeta.versionOf(r0.params()) : null;
      if (sid0.isPresent() && metaVersion != null) {
        return done(
            json(
                StatusCodes.BAD_REQUEST,
                new JsonRpcMessage.ErrorResponse(
                    ((JsonRpcMessage.Request) m0).id(),
                    JsonRpcError.invalidRequest(
                        "A request of a session must not name a protocol version in _meta"
                            + " (that is the 2026-07-28 stateless form)"))));
      }
      if (sid0.isEmpty() && (statelessHeader || metaVersion != null)) {
        if (m0 instanceof JsonRpcMessage.Request r0) {
          return onStateless(req, r0, rawVersion, acceptsSse, acceptsJson);
        }
        // Notifications and responses have no meaning without a request stream: cancelling is
        // closing the stream on HTTP.
        return done(accepted());
      }
    } else if (statelessHeader) {
      return done(
          error(
              StatusCodes.BAD_REQUEST,
              JsonRpcError.invalidRequest("JSON-RPC batches are not allowed in 2026-07-28")));
    }
    Optional<ProtocolVersion> version;
    try {
      version = versionHeader(req);
    } catch (JsonRpcException e) {
      return done(error(StatusCodes.BAD_REQUEST, e.error()));
    }
    Optional<String> sessionId = header(req, SESSION_HEADER);
    if (decoded instanceof Decoded.Single single
        && single.message() instanceof JsonRpcMessage.Request r
        && McpMethods.INITIALIZE.equals(r.method())) {
      if (sessionId.isPresent()) {
        return done(
            json(
                StatusCodes.BAD_REQUEST,
                new JsonRpcMessage.ErrorResponse(
                    r.id(),
                    JsonRpcError.invalidRequest(
                        "initialize must not carry an Mcp-Session-Id: it creates a session"))));
      }
      return edge.initialize(r, "http", false)
          .thenApply(
              init -> {
                HttpResponse resp = json(StatusCodes.OK, init.response());
                return init.sessionId() == null
                    ? resp
                    : resp.addHeader(RawHeader.create(SESSION_HEADER, init.sessionId()));
              });
    }
    if (sessionId.isEmpty()) {
      return done(
          error(
              StatusCodes.BAD_REQUEST,
              JsonRpcError.invalidRequest(
                  "Mcp-Session-Id header is required (send initialize first)")));
    }
    String sid = sessionId.get();
    return withSession(
        sid,
        version,
        state -> {
          if (decoded instanceof Decoded.Batch batch) {
            return onBatch(sid, state, batch);
          }
          Decoded.Single single = (Decoded.Single) decoded;
          JsonRpcMessage m = single.message();
          if (m instanceof JsonRpcMessage.Request r) {
            return onRequest(sid, state, r, acceptsSse, acceptsJson);
          }
          if (m instanceof JsonRpcMessage.Notification n) {
            return edge.notification(sid, n).thenApply(v -> accepted());
          }
          edge.response(sid, m);
          return done(accepted());
        });
  }

  /** Runs {@code f} with the session's state, or answers 404/400 for a bad session. */
  private CompletionStage<HttpResponse> withSession(
      String sid,
      Optional<ProtocolVersion> version,
      Function<SessionState, CompletionStage<HttpResponse>> f) {
    return edge.core()
        .sessions()
        .get(sid)
        .thenCompose(
            state -> {
              if (!state.isActive()) {
                return done(
                    error(
                        StatusCodes.NOT_FOUND,
                        JsonRpcError.of(
                            io.erlmcp.runtime.session.SessionMachine.SESSION_NOT_FOUND,
                            "Session not found: initialize a new session")));
              }
              if (version.isPresent() && version.get() != state.protocolVersion()) {
                return done(
                    error(
                        StatusCodes.BAD_REQUEST,
                        JsonRpcError.invalidRequest(
                            "MCP-Protocol-Version "
                                + version.get().id()
                                + " does not match the session's negotiated "
                                + state.protocolVersion().id())));
              }
              // Present on this node while it sends here (also after a failover, or when a
              // load balancer brings it here without its initialize).
              edge.core().clients().connected(sid, "http", state.clientInfo(), false);
              return f.apply(state);
            });
  }

  private CompletionStage<HttpResponse> onRequest(
      String sid, SessionState state, JsonRpcMessage.Request r, boolean acceptsSse, boolean acceptsJson) {
    PostExchange ex = new PostExchange(sid, state, acceptsSse, acceptsJson);
    edge.request(sid, r, ex)
        .whenComplete(
            (outcome, err) -> {
              if (err != null) {
                ex.respond(
                    new JsonRpcMessage.ErrorResponse(r.id(), McpEdge.errorOf(err)), null);
              } else if (outcome instanceof RequestManager.Outcome.Responded resp) {
                ex.respond(resp.response(), null);
              } else if (outcome instanceof RequestManager.Outcome.Rejected rej) {
                ex.respond(
                    new JsonRpcMessage.ErrorResponse(r.id(), rej.error()),
                    rej.overloaded() ? StatusCodes.SERVICE_UNAVAILABLE : null);
              } else if (outcome instanceof RequestManager.Outcome.Failed fail) {
                ex.respond(
                    new JsonRpcMessage.ErrorResponse(
                        r.id(), JsonRpcError.internalError("Internal error")),
                    null);
              } else {
                ex.cancelled();
              }
            });
    return ex.response;
  }

  /**
   * One POST request's way back to its client. It answers with plain JSON unless the request
   * sends something first (a notification or a server request): then the response becomes an
   * SSE stream, journaled and resumable, which carries those messages and finally the response.
   */
  private final class PostExchange implements Outbound {
    final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    private final String sid;
    private final SessionState state;
    private final boolean acceptsSse;
    private final boolean acceptsJson;
    private SseStream stream; // guarded by this

    PostExchange(String sid, SessionState state, boolean acceptsSse, boolean acceptsJson) {
      this.sid = sid;
      this.state = state;
      this.acceptsSse = acceptsSse;
      this.acceptsJson = acceptsJson;
    }

    @Override
    public void notify(String method, JsonNode params) {
      emit(codec.encodeToString(new JsonRpcMessage.Notification(method, params)));
    }

    @Override
    public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
      if (!acceptsSse) {
        return CompletableFuture.failedFuture(
            new JsonRpcException(
                JsonRpcError.internalError(
                    "the client does not accept text/event-stream, so it cannot receive "
                        + method)));
      }
      RequestId id = edge.pending().nextId();
      CompletableFuture<JsonNode> answer = edge.pending().register(sid, id, timeout);
      emit(codec.encodeToString(new JsonRpcMessage.Request(id, method, params)));
      return answer;
    }

    private void emit(String payload) {
      SseStream s;
      synchronized (this) {
        if (stream == null) {
          if (!acceptsSse || response.isDone()) {
            return; // nowhere to send it: a JSON-only client gets the response alone
          }
          stream = openStream();
        }
        s = stream;
      }
      s.send(payload);
    }

    private SseStream openStream() {
      String streamId = "p" + randomId();
      SseStream s = newStream(sid, streamId);
      streams.add(sid, s);
      String priming =
          state.protocolVersion().hasSsePriming()
              ? StreamEvent.eventId(Math.max(0, state.nextSeq() - 1), streamId)
              : null;
      response.complete(sse(s.attach(-1, priming)));
      return s;
    }

    void respond(JsonRpcMessage message, StatusCode status) {
      SseStream s;
      synchronized (this) {
        s = stream;
      }
      if (s != null) {
        s.finish(codec.encodeToString(message));
        return;
      }
      if (!acceptsJson) {
        synchronized (this) {
          stream = openStream();
          s = stream;
        }
        s.finish(codec.encodeToString(message));
        return;
      }
      HttpResponse resp = json(status == null ? StatusCodes.OK : status, message);
      if (status == StatusCodes.SERVICE_UNAVAILABLE) {
        resp = resp.addHeader(RawHeader.create("Retry-After", "1"));
      }
      response.complete(resp);
    }

    void cancelled() {
      SseStream s;
      synchronized (this) {
        s = stream;
      }
      if (s != null) {
        s.finishEmpty();
      } else {
        // No response is sent for a cancelled request: an empty, finished event stream.
        response.complete(sse(Source.empty()));
      }
    }
  }

  // ------------------------------------------------------------------ batches (2025-03-26)

  private CompletionStage<HttpResponse> onBatch(String sid, SessionState state, Decoded.Batch batch) {
    if (!state.protocolVersion().allowsBatches()) {
      return done(
          error(
              StatusCodes.BAD_REQUEST,
              JsonRpcError.invalidRequest(
                  "JSON-RPC batches are not allowed in protocol revision "
                      + state.protocolVersion().id())));
    }
    List<CompletableFuture<JsonRpcMessage>> answers = new ArrayList<>();
    for (Decoded.Item item : batch.items()) {
      if (item instanceof Decoded.Failure f) {
        answers.add(CompletableFuture.completedFuture(f.error()));
        continue;
      }
      JsonRpcMessage m = ((Decoded.Single) item).message();
      if (m instanceof JsonRpcMessage.Request r) {
        if (McpMethods.INITIALIZE.equals(r.method())) {
          answers.add(
              CompletableFuture.completedFuture(
                  new JsonRpcMessage.ErrorResponse(
                      r.id(), JsonRpcError.invalidRequest("initialize cannot be batched"))));
          continue;
        }
        answers.add(
            edge.request(sid, r, Outbound.NONE)
                .thenApply(
                    o -> {
                      if (o instanceof RequestManager.Outcome.Responded resp) {
                        return resp.response();
                      }
                      if (o instanceof RequestManager.Outcome.Rejected rej) {
                        return (JsonRpcMessage) new JsonRpcMessage.ErrorResponse(r.id(), rej.error());
                      }
                      return null;
                    })
                .toCompletableFuture());
      } else if (m instanceof JsonRpcMessage.Notification n) {
        edge.notification(sid, n);
      } else {
        edge.response(sid, m);
      }
    }
    return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<JsonRpcMessage> out = new ArrayList<>();
              for (CompletableFuture<JsonRpcMessage> a : answers) {
                JsonRpcMessage m = a.join();
                if (m != null) {
                  out.add(m);
                }
              }
              if (out.isEmpty()) {
                return accepted();
              }
              return HttpResponse.create()
                  .withStatus(StatusCodes.OK)
                  .withEntity(ContentTypes.APPLICATION_JSON, codec.encodeBatch(out));
            });
  }

  // ------------------------------------------------------------------ GET

  private CompletionStage<HttpResponse> onGet(HttpRequest req) {
    if (isStatelessRequest(req)) {
      return done(statelessMethodNotAllowed());
    }
    String accept = header(req, "Accept").orElse("");
    if (!accept.contains("text/event-stream")) {
      return done(
          error(
              StatusCodes.NOT_ACCEPTABLE,
              JsonRpcError.invalidRequest("GET needs Accept: text/event-stream")));
    }
    Optional<ProtocolVersion> version;
    try {
      version = versionHeader(req);
    } catch (JsonRpcException e) {
      return done(error(StatusCodes.BAD_REQUEST, e.error()));
    }
    Optional<String> sessionId = header(req, SESSION_HEADER);
    if (sessionId.isEmpty()) {
      return done(
          error(StatusCodes.BAD_REQUEST, JsonRpcError.invalidRequest("Mcp-Session-Id header is required")));
    }
    String sid = sessionId.get();
    Optional<String> lastEventId = header(req, "Last-Event-ID");
    return withSession(
        sid,
        version,
        state -> lastEventId.isPresent() ? resume(sid, lastEventId.get()) : openStandalone(sid, state));
  }

  /**
   * A new standalone stream. One per session on a node: a newer GET takes over from an older
   * connection (which is closed), since a client whose connection dropped may reconnect before
   * the server has noticed the drop. Messages go only to the newest stream.
   */
  private CompletionStage<HttpResponse> openStandalone(String sid, SessionState state) {
    synchronized (streams) {
      SseStream existing = streams.standalone(sid);
      if (existing != null) {
        existing.closeConnection();
      }
      String streamId = "g" + randomId();
      SseStream s = newStream(sid, streamId);
      streams.setStandalone(sid, s);
      String priming =
          state.protocolVersion().hasSsePriming()
              ? StreamEvent.eventId(Math.max(0, state.nextSeq() - 1), streamId)
              : null;
      return done(sse(s.attach(-1, priming)));
    }
  }

  /** Last-Event-ID: replays that stream's later events only, then goes on live if it is open. */
  private CompletionStage<HttpResponse> resume(String sid, String lastEventId) {
    StreamEvent.Cursor cursor = StreamEvent.parse(lastEventId);
    if (cursor == null) {
      return done(
          error(
              StatusCodes.BAD_REQUEST,
              JsonRpcError.invalidRequest("Last-Event-ID " + lastEventId + " is not an event id of this server")));
    }
    SseStream local = streams.get(sid, cursor.streamId());
    if (local != null) {
      if (local.streamId().startsWith("g")) {
        streams.setStandalone(sid, local);
      }
      return done(sse(local.attach(cursor.seq(), null)));
    }
    return edge.core()
        .sessions()
        .fresh(sid)
        .thenApply(
            state -> {
              List<StreamEvent> missed = state.eventsAfter(cursor);
              boolean standalone = cursor.streamId().startsWith("g");
              if (standalone) {
                SseStream s = newStream(sid, cursor.streamId());
                List<StreamEvent> all = state.eventsAfter(new StreamEvent.Cursor(-1, cursor.streamId()));
                s.seed(all);
                streams.setStandalone(sid, s);
                return sse(s.attach(cursor.seq(), null));
              }
              // A POST stream that is not running here: its events so far, then the end.
              List<ByteString> frames = new ArrayList<>();
              for (StreamEvent e : missed) {
                frames.add(SseFormat.event(e.eventId(), e.payload()));
              }
              return sse(Source.from(frames));
            });
  }

  // ------------------------------------------------------------------ DELETE

  private CompletionStage<HttpResponse> onDelete(HttpRequest req) {
    if (isStatelessRequest(req)) {
      return done(statelessMethodNotAllowed());
    }
    Optional<String> sessionId = header(req, SESSION_HEADER);
    if (sessionId.isEmpty()) {
      return done(
          error(StatusCodes.BAD_REQUEST, JsonRpcError.invalidRequest("Mcp-Session-Id header is required")));
    }
    String sid = sessionId.get();
    Optional<ProtocolVersion> version;
    try {
      version = versionHeader(req);
    } catch (JsonRpcException e) {
      return done(error(StatusCodes.BAD_REQUEST, e.error()));
    }
    return withSession(
        sid,
        version,
        state ->
            edge.end(sid, "client ended the session (DELETE)")
                .thenApply(
                    s -> {
                      streams.dropSession(sid);
                      return HttpResponse.create().withStatus(StatusCodes.OK);
                    }));
  }

  // ------------------------------------------------------------------ notifications to GET streams

  /** Catalog changes and resource updates go to each session's standalone stream on this node. */
  private final class Broadcaster implements McpServer.Listener {
    @Override
    public void catalogChanged(McpServer.CatalogKind kind) {
      String method =
          switch (kind) {
            case TOOLS -> McpMethods.NOTIFICATION_TOOLS_LIST_CHANGED;
            case RESOURCES -> McpMethods.NOTIFICATION_RESOURCES_LIST_CHANGED;
            case PROMPTS -> McpMethods.NOTIFICATION_PROMPTS_LIST_CHANGED;
          };
      String payload = codec.encodeToString(new JsonRpcMessage.Notification(method, null));
      for (var e : streams.standaloneStreams()) {
        e.getValue().send(payload);
      }
    }

    /** A task's status change goes to the session's GET stream when this node holds it. */
    @Override
    public void sessionNotification(String sessionId, String method, JsonNode params) {
      SseStream s = streams.standalone(sessionId);
      if (s != null) {
        s.send(codec.encodeToString(new JsonRpcMessage.Notification(method, params)));
      }
    }

    @Override
    public void resourceUpdated(String uri) {
      String payload =
          codec.encodeToString(
              new JsonRpcMessage.Notification(
                  McpMethods.NOTIFICATION_RESOURCES_UPDATED, Json.object().put("uri", uri)));
      for (var e : streams.standaloneStreams()) {
        SessionState s = edge.core().sessions().cached(e.getKey());
        if (s != null && s.subscriptions().contains(uri)) {
          e.getValue().send(payload);
        }
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private SseStream newStream(String sid, String streamId) {
    return new SseStream(
        sid,
        streamId,
        edge.core().sessions(),
        mat,
        settings,
        edge.metrics(),
        () -> {
          if (!streamId.startsWith("g")) {
            streams.remove(sid, streamId);
          }
        });
  }

  /** A GET or DELETE of revision 2026-07-28 (which has only POST). */
  private static boolean isStatelessRequest(HttpRequest req) {
    return header(req, VERSION_HEADER)
        .flatMap(h -> ProtocolVersion.parse(h.trim()))
        .map(ProtocolVersion::isStateless)
        .orElse(false);
  }

  private HttpResponse statelessMethodNotAllowed() {
    return error(
            StatusCodes.METHOD_NOT_ALLOWED,
            JsonRpcError.invalidRequest("2026-07-28 requests are POST only"))
        .addHeader(Allow.create(HttpMethods.POST));
  }

  // ------------------------------------------------------------------ 2026-07-28 (stateless)

  /**
   * A request of the stateless revision: _meta, headers against body, then the method. Every
   * error answer carries the request's id.
   */
  private CompletionStage<HttpResponse> onStateless(
      HttpRequest req,
      JsonRpcMessage.Request r,
      Optional<String> rawVersion,
      boolean acceptsSse,
      boolean acceptsJson) {
    StatelessMeta meta;
    try {
      String metaVersion = StatelessMeta.versionOf(r.params());
      if (metaVersion != null && !metaVersion.equals(rawVersion.orElse(null))) {
        throw StatelessMeta.headerMismatch(
            "MCP-Protocol-Version header "
                + rawVersion.orElse("(absent)")
                + " does not match _meta "
                + StatelessMeta.PROTOCOL_VERSION
                + " "
                + metaVersion);
      }
      meta = StatelessMeta.parse(r.params());
      Optional<String> methodHeader = header(req, METHOD_HEADER);
      if (methodHeader.isEmpty() || !methodHeader.get().equals(r.method())) {
        throw StatelessMeta.headerMismatch(
            "Mcp-Method header " + methodHeader.orElse("(absent)") + " does not match the body's "
                + r.method());
      }
      String target = StatelessSession.targetOf(r.method(), r.params());
      if (target != null) {
        Optional<String> name = header(req, NAME_HEADER);
        if (name.isEmpty() || !name.get().equals(target)) {
          throw StatelessMeta.headerMismatch(
              "Mcp-Name header " + name.orElse("(absent)") + " does not match the body's "
                  + target);
        }
        if (McpMethods.TOOLS_CALL.equals(r.method())) {
          // SEP-2243 custom headers: Mcp-Param-* against the arguments they mirror.
          String tool = target;
          edge.core()
              .server()
              .tool(tool)
              .ifPresent(
                  t ->
                      ParamHeaders.check(
                          t.inputSchema(), r.params().get("arguments"), h -> header(req, h)));
        }
      }
    } catch (JsonRpcException e) {
      return done(
          json(statelessStatus(e.error()), new JsonRpcMessage.ErrorResponse(r.id(), e.error())));
    }
    if (McpMethods.SUBSCRIPTIONS_LISTEN.equals(r.method())) {
      return onListen(r);
    }
    String statelessId = McpEdge.newStatelessId();
    StatelessExchange ex = new StatelessExchange(statelessId, r, acceptsSse, acceptsJson);
    edge.statelessRequest(statelessId, r, meta, ex)
        .whenComplete(
            (outcome, err) -> {
              if (err != null) {
                ex.respond(new JsonRpcMessage.ErrorResponse(r.id(), McpEdge.errorOf(err)), null);
              } else if (outcome instanceof RequestManager.Outcome.Responded resp) {
                ex.respond(resp.response(), null);
              } else if (outcome instanceof RequestManager.Outcome.Rejected rej) {
                ex.respond(
                    new JsonRpcMessage.ErrorResponse(r.id(), rej.error()),
                    rej.overloaded() ? StatusCodes.SERVICE_UNAVAILABLE : null);
              } else if (outcome instanceof RequestManager.Outcome.Failed) {
                ex.respond(
                    new JsonRpcMessage.ErrorResponse(
                        r.id(), JsonRpcError.internalError("Internal error")),
                    null);
              } else {
                ex.cancelled();
              }
            });
    return ex.response;
  }

  /** HTTP status of a 2026-07-28 error: 404 for unknown methods, 400 for a refused request. */
  static StatusCode statelessStatus(JsonRpcError e) {
    return switch (e.code()) {
      case JsonRpcError.METHOD_NOT_FOUND -> StatusCodes.NOT_FOUND;
      case JsonRpcError.INVALID_REQUEST,
          JsonRpcError.INVALID_PARAMS,
          StatelessMeta.HEADER_MISMATCH,
          StatelessMeta.MISSING_CLIENT_CAPABILITY,
          StatelessMeta.UNSUPPORTED_PROTOCOL_VERSION -> StatusCodes.BAD_REQUEST;
      default -> StatusCodes.OK;
    };
  }

  /** subscriptions/listen: an SSE stream, acknowledged first, open until the client closes it. */
  private CompletionStage<HttpResponse> onListen(JsonRpcMessage.Request r) {
    org.apache.pekko.japi.Pair<org.apache.pekko.stream.BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>>
        q = Source.<ByteString>queue(settings.sseBufferSize()).preMaterialize(mat);
    org.apache.pekko.stream.BoundedSourceQueue<ByteString> queue = q.first();
    io.erlmcp.runtime.stateless.NotificationBus.Subscription sub;
    try {
      sub =
          edge.listen(
              r,
              n -> {
                org.apache.pekko.stream.QueueOfferResult res =
                    queue.offer(SseFormat.event(null, codec.encodeToString(n)));
                if (res == org.apache.pekko.stream.QueueOfferResult.dropped()) {
                  queue.fail(new IllegalStateException("listen stream not read: closed"));
                }
              });
    } catch (JsonRpcException e) {
      queue.complete();
      return done(
          json(statelessStatus(e.error()), new JsonRpcMessage.ErrorResponse(r.id(), e.error())));
    }
    Source<ByteString, NotUsed> source =
        q.second()
            .keepAlive(settings.sseKeepAlive(), () -> SseFormat.KEEPALIVE)
            .watchTermination(
                (m, done) -> {
                  done.whenComplete((d, e) -> sub.close());
                  return m;
                });
    return done(sse(source));
  }

  /**
   * The way back of one stateless request: JSON, or an SSE stream once the request sends a
   * notification (progress, log). Nothing is journaled: the stream is not resumable, and a
   * client that closes it cancels the request (the 2026-07-28 rule).
   */
  private final class StatelessExchange implements Outbound {
    final CompletableFuture<HttpResponse> response = new CompletableFuture<>();
    private final String statelessId;
    private final JsonRpcMessage.Request request;
    private final boolean acceptsSse;
    private final boolean acceptsJson;
    private org.apache.pekko.stream.BoundedSourceQueue<ByteString> queue; // guarded by this
    private boolean finished; // guarded by this

    StatelessExchange(
        String statelessId, JsonRpcMessage.Request request, boolean acceptsSse, boolean acceptsJson) {
      this.statelessId = statelessId;
      this.request = request;
      this.acceptsSse = acceptsSse;
      this.acceptsJson = acceptsJson;
    }

    @Override
    public void notify(String method, JsonNode params) {
      ByteString frame =
          SseFormat.event(
              null, codec.encodeToString(new JsonRpcMessage.Notification(method, params)));
      synchronized (this) {
        if (finished || !acceptsSse || (queue == null && response.isDone())) {
          return;
        }
        if (queue == null) {
          open();
        }
        queue.offer(frame);
      }
    }

    @Override
    public CompletionStage<JsonNode> request(String method, JsonNode params, Duration timeout) {
      // 2026-07-28 sends no server-to-client requests: the dispatcher answers input_required.
      return CompletableFuture.failedFuture(
          new JsonRpcException(
              JsonRpcError.internalError("2026-07-28 has no server-to-client requests")));
    }

    /** Guarded by this. */
    private void open() {
      org.apache.pekko.japi.Pair<
              org.apache.pekko.stream.BoundedSourceQueue<ByteString>, Source<ByteString, NotUsed>>
          q = Source.<ByteString>queue(settings.sseBufferSize()).preMaterialize(mat);
      queue = q.first();
      Source<ByteString, NotUsed> source =
          q.second()
              .watchTermination(
                  (m, done) -> {
                    done.whenComplete(
                        (d, e) -> {
                          boolean early;
                          synchronized (this) {
                            early = !finished;
                            finished = true;
                          }
                          if (early) {
                            edge.cancel(statelessId, request.id(), "the client closed the stream");
                          }
                        });
                    return m;
                  });
      response.complete(sse(source));
    }

    void respond(JsonRpcMessage message, StatusCode status) {
      synchronized (this) {
        if (queue != null) {
          if (!finished) {
            finished = true;
            queue.offer(SseFormat.event(null, codec.encodeToString(message)));
            queue.complete();
          }
          return;
        }
        finished = true;
      }
      StatusCode st = status;
      if (st == null) {
        st =
            message instanceof JsonRpcMessage.ErrorResponse e
                ? statelessStatus(e.error())
                : StatusCodes.OK;
      }
      if (!acceptsJson && acceptsSse) {
        response.complete(
            sse(Source.single(SseFormat.event(null, codec.encodeToString(message)))));
        return;
      }
      HttpResponse resp = json(st, message);
      if (st == StatusCodes.SERVICE_UNAVAILABLE) {
        resp = resp.addHeader(RawHeader.create("Retry-After", "1"));
      }
      response.complete(resp);
    }

    void cancelled() {
      synchronized (this) {
        if (queue != null) {
          finished = true;
          queue.complete();
          return;
        }
        finished = true;
      }
      response.complete(sse(Source.empty()));
    }
  }

  private static Optional<ProtocolVersion> versionHeader(HttpRequest req) {
    Optional<String> h = header(req, VERSION_HEADER);
    if (h.isEmpty()) {
      return Optional.empty();
    }
    Optional<ProtocolVersion> v = ProtocolVersion.parse(h.get().trim());
    if (v.isEmpty()) {
      throw new JsonRpcException(
          JsonRpcError.invalidRequest(
              "Unsupported MCP-Protocol-Version: "
                  + h.get()
                  + " (supported: "
                  + ProtocolVersion.sessionRevisions()
                  + ")"));
    }
    if (v.get().isStateless()) {
      throw new JsonRpcException(
          JsonRpcError.invalidRequest(
              "MCP-Protocol-Version 2026-07-28 is stateless: it has no sessions and no GET or"
                  + " DELETE"));
    }
    return v;
  }

  private static Optional<String> header(HttpRequest req, String name) {
    return RequestHeaders.value(req, name);
  }

  private static String randomId() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static HttpResponse accepted() {
    return HttpResponse.create().withStatus(StatusCodes.ACCEPTED);
  }

  private HttpResponse json(StatusCode status, JsonRpcMessage message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, codec.encode(message));
  }

  private HttpResponse error(StatusCode status, JsonRpcError err) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, errorBody(err));
  }

  private byte[] errorBody(JsonRpcError err) {
    return codec.encode(new JsonRpcMessage.ErrorResponse(null, err));
  }

  private static HttpResponse sse(Source<ByteString, NotUsed> source) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
        .withEntity(
            HttpEntities.createChunked(
                MediaTypes.TEXT_EVENT_STREAM.toContentType(), source));
  }
}
