package io.erlmcp.http;

import io.erlmcp.runtime.jsonrpc.Decoded;
import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.transport.McpConnection;
import io.erlmcp.transport.McpEdge;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP+SSE transport of MCP 2024-11-05, for old clients, on the Streamable HTTP listener: a
 * GET with {@code Accept: text/event-stream} and no {@code Mcp-Session-Id} on the MCP path (or on
 * {@code /sse}) opens a stream whose first event, {@code endpoint}, names the URL to POST
 * messages to ({@code /mcp?sessionId=...}); each POST is answered 202 and every response,
 * notification and server request goes down that stream. One stream is one {@link
 * McpConnection}: the same session handling as stdio, WebSocket and TCP.
 *
 * <p>A stream lives on the node that opened it (the POST must reach the same node); the session
 * it creates is journaled like any other. Bounds: streams per listener (503 past it), frames
 * queued per stream ({@code erlmcp.http.sse-buffer-size}: a client that falls behind loses its
 * stream), the POST body size, and an idle timeout.
 */
public final class LegacySse extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(LegacySse.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String SESSION_PARAM = "sessionId";

  private final McpEdge edge;
  private final HttpSettings settings;
  private final LegacySseSettings limits;
  private final Materializer mat;
  private final JsonRpcCodec codec = new JsonRpcCodec();
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();

  public LegacySse(McpEdge edge, HttpSettings settings, LegacySseSettings limits, Materializer mat) {
    this.edge = edge;
    this.settings = settings;
    this.limits = limits;
    this.mat = mat;
  }

  /** Open legacy streams on this listener. */
  public int openStreams() {
    return open.get();
  }

  /** Ends every stream (the listener is stopping). */
  public void shutdown() {
    streams.values().forEach(s -> s.queue.complete());
  }

  /**
   * GET (no session header, SSE accepted) and POST with {@code ?sessionId=} on the MCP path, and
   * GET on the alias path; anything else falls through to Streamable HTTP.
   */
  public Route route() {
    Route get =
        get(
            () ->
                extractRequest(
                    req ->
                        isLegacyGet(req)
                            ? checked(req, () -> complete(openStream()))
                            : reject()));
    Route post =
        post(
            () ->
                parameterOptional(
                    SESSION_PARAM,
                    id ->
                        extractRequest(
                            req ->
                                id.isPresent() && req.getHeader(StreamableHttp.SESSION_HEADER).isEmpty()
                                    ? checked(req, () -> completeWithFuture(onPost(req, id.get())))
                                    : reject())));
    return concat(
        path(PathMatchers.separateOnSlashes(settings.path()), () -> concat(get, post)),
        path(PathMatchers.separateOnSlashes(limits.path()), () -> get));
  }

  private static boolean isLegacyGet(HttpRequest req) {
    return req.getHeader(StreamableHttp.SESSION_HEADER).isEmpty()
        && req.getHeader("Accept").map(h -> h.value().contains("text/event-stream")).orElse(false)
        && req.getHeader(StreamableHttp.VERSION_HEADER).isEmpty();
  }

  private Route checked(HttpRequest req, java.util.function.Supplier<Route> inner) {
    Optional<HttpResponse> refused = HttpErrors.originRefused(req, settings);
    return refused.isPresent() ? complete(refused.get()) : inner.get();
  }

  private HttpResponse openStream() {
    if (open.incrementAndGet() > limits.maxConnections()) {
      open.decrementAndGet();
      return HttpErrors.tooMany("SSE streams", limits.maxConnections());
    }
    String id = newId();
    var q = Source.<ByteString>queue(settings.sseBufferSize()).preMaterialize(mat);
    Stream s = new Stream(id, q.first());
    streams.put(id, s);
    String endpoint = "/" + settings.path() + "?" + SESSION_PARAM + "=" + id;
    s.queue.offer(ByteString.fromString("event: endpoint\ndata: " + endpoint + "\n\n"));
    Source<ByteString, NotUsed> source =
        q.second()
            .keepAlive(settings.sseKeepAlive(), () -> SseFormat.KEEPALIVE)
            .watchTermination(
                (m, done) -> {
                  done.whenComplete((d, e) -> s.ended(e == null ? "stream closed" : e.getMessage()));
                  return m;
                });
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .addHeader(RawHeader.create("Cache-Control", "no-cache"))
        .withEntity(HttpEntities.createChunked(MediaTypes.TEXT_EVENT_STREAM.toContentType(), source));
  }

  private CompletionStage<HttpResponse> onPost(HttpRequest req, String id) {
    Stream s = streams.get(id);
    if (s == null) {
      return done(
          error(
              StatusCodes.NOT_FOUND,
              JsonRpcError.invalidRequest("No SSE stream " + id + " on this node: open GET first")));
    }
    if (!req.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(
          error(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              JsonRpcError.invalidRequest("Content-Type must be application/json")));
    }
    if (req.entity().getContentLengthOption().isPresent()
        && req.entity().getContentLengthOption().getAsLong() > settings.maxBodyBytes()) {
      req.discardEntityBytes(mat);
      return done(tooLarge());
    }
    return req.entity()
        .toStrict(10_000, settings.maxBodyBytes(), mat)
        .thenApply(HttpEntity.Strict::getData)
        .thenApply(
            body -> {
              Decoded d = codec.decode(body.toArray());
              if (d instanceof Decoded.Failure f) {
                return HttpResponse.create()
                    .withStatus(StatusCodes.BAD_REQUEST)
                    .withEntity(ContentTypes.APPLICATION_JSON, codec.encode(f.error()));
              }
              s.touch();
              s.mcp.onDecoded(d);
              return HttpResponse.create().withStatus(StatusCodes.ACCEPTED);
            })
        .exceptionally(
            e -> {
              Throwable c = e;
              while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
                c = c.getCause();
              }
              if (c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException
                  || c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamException) {
                return tooLarge();
              }
              log.info("legacy SSE POST for stream {}: cannot read the body: {}", id, c.toString());
              return error(
                  StatusCodes.BAD_REQUEST,
                  JsonRpcError.invalidRequest("Cannot read the request body: " + c.getMessage()));
            });
  }

  private HttpResponse tooLarge() {
    return error(
        StatusCodes.CONTENT_TOO_LARGE,
        JsonRpcError.invalidRequest("Request body larger than " + settings.maxBodyBytes() + " bytes"));
  }

  private static HttpResponse error(StatusCode status, JsonRpcError err) {
    return HttpErrors.error(status, err);
  }

  private static CompletionStage<HttpResponse> done(HttpResponse r) {
    return CompletableFuture.completedFuture(r);
  }

  private static String newId() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** One legacy stream: its queue of SSE frames and its MCP connection. */
  private final class Stream {
    final String id;
    final BoundedSourceQueue<ByteString> queue;
    final McpConnection mcp;
    private final Cancellable idleCheck;
    private volatile long lastActivity = System.nanoTime();

    Stream(String id, BoundedSourceQueue<ByteString> queue) {
      this.id = id;
      this.queue = queue;
      this.mcp = new McpConnection(edge, "sse", this::send);
      Duration idle = limits.idleTimeout();
      this.idleCheck =
          idle.isZero()
              ? Cancellable.alreadyCancelled()
              : mat.system()
                  .scheduler()
                  .scheduleWithFixedDelay(
                      Duration.ofSeconds(1),
                      Duration.ofSeconds(1),
                      () -> {
                        if (System.nanoTime() - lastActivity > idle.toNanos() && mcp.inFlight() == 0) {
                          log.info("legacy SSE stream {} idle for {}: closing", id, idle);
                          queue.complete();
                        }
                      },
                      mat.system().dispatcher());
    }

    void touch() {
      lastActivity = System.nanoTime();
    }

    private void send(JsonRpcMessage m) {
      touch();
      if (queue.offer(SseFormat.event(null, codec.encodeToString(m))) == QueueOfferResult.dropped()) {
        log.warn(
            "legacy SSE stream {} (session {}): {} frames queued, client too slow: closing",
            id,
            mcp.sessionId(),
            settings.sseBufferSize());
        queue.fail(new IllegalStateException("SSE client too slow: buffer full"));
      }
    }

    void ended(String reason) {
      if (streams.remove(id, this)) {
        open.decrementAndGet();
        idleCheck.cancel();
        mcp.close(reason);
      }
    }
  }
}
