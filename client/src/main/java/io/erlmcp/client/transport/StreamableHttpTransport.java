package io.erlmcp.client.transport;

import io.erlmcp.client.ClientTls;
import io.erlmcp.client.McpTransportException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.McpMethods;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Streamable HTTP transport (2025-03-26 and later, and the stateless 2026-07-28), on {@code
 * java.net.http}.
 *
 * <ul>
 *   <li>Every message is a POST to the endpoint with {@code Accept: application/json,
 *       text/event-stream}; the answer is 202 (notifications, responses), JSON, or an SSE stream
 *       that carries the request's notifications, server-to-client requests and its response.
 *   <li>{@code Mcp-Session-Id} from the {@code initialize} answer goes on every later request;
 *       {@code MCP-Protocol-Version} once negotiated; {@code Mcp-Method} and {@code Mcp-Name}
 *       (SEP-2243) on every POST, plus whatever per-message headers the client adds.
 *   <li>After {@code initialize} a GET opens the session's server-to-client stream (a 405 means
 *       the server has none); it is reopened with {@code Last-Event-ID} when it drops.
 *   <li>A POST stream that ends before its response arrived is resumed with a GET carrying {@code
 *       Last-Event-ID}, after the stream's {@code retry} delay (1 s when none was given), up to five
 *       times in a row without progress.
 *   <li>{@link #close()} sends DELETE with the session id.
 *   <li>A 404 on a request of an established session means the session is gone: the transport
 *       closes and every pending request fails with {@link McpTransportException}.
 * </ul>
 */
public final class StreamableHttpTransport implements McpTransport {
  private static final Logger LOG = LoggerFactory.getLogger(StreamableHttpTransport.class);
  private static final long DEFAULT_RETRY_MS = 1000;
  private static final int MAX_RESUME_ATTEMPTS = 5;

  private final URI endpoint;
  private final Map<String, String> extraHeaders;
  private final boolean openGetStream;
  private final HttpClient http;
  private final ExecutorService streamThreads;
  private final ScheduledExecutorService timer;
  private final Set<RequestId> awaiting = ConcurrentHashMap.newKeySet();
  private final Set<InputStream> openStreams = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean reportedClosed = new AtomicBoolean();
  private final AtomicBoolean getStreamStarted = new AtomicBoolean();
  private volatile Listener listener;
  private volatile String sessionId;
  private volatile ProtocolVersion version;

  public StreamableHttpTransport(URI endpoint) {
    this(endpoint, Map.of(), true);
  }

  /**
   * @param endpoint the MCP endpoint, e.g. {@code http://127.0.0.1:8080/mcp}
   * @param extraHeaders headers sent on every request (e.g. {@code Authorization})
   * @param openGetStream whether to open the server-to-client GET stream after {@code initialize}
   */
  public StreamableHttpTransport(
      URI endpoint, Map<String, String> extraHeaders, boolean openGetStream) {
    this(endpoint, extraHeaders, openGetStream, ClientTls.DEFAULT);
  }

  /** As above, with TLS settings for {@code https://} (trust store, client certificate). */
  public StreamableHttpTransport(
      URI endpoint, Map<String, String> extraHeaders, boolean openGetStream, ClientTls tls) {
    this.endpoint = endpoint;
    this.extraHeaders = Map.copyOf(extraHeaders);
    this.openGetStream = openGetStream;
    this.streamThreads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "erlmcp-client-http-stream");
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "erlmcp-client-http-timer");
              t.setDaemon(true);
              return t;
            });
    this.http =
        tls.applyTo(HttpClient.newBuilder())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(streamThreads)
            .build();
  }

  @Override
  public CompletionStage<Void> start(Listener listener) {
    this.listener = listener;
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String sessionId() {
    return sessionId;
  }

  @Override
  public void protocolVersionNegotiated(ProtocolVersion version) {
    this.version = version;
    if (version != null && openGetStream && !version.isStateless() && getStreamStarted.compareAndSet(false, true)) {
      streamThreads.execute(() -> standaloneStream(null, 0));
    }
  }

  private HttpRequest.Builder base(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    extraHeaders.forEach(b::header);
    ProtocolVersion v = version;
    if (v != null) {
      b.header("MCP-Protocol-Version", v.id());
    }
    String sid = sessionId;
    if (sid != null) {
      b.header("Mcp-Session-Id", sid);
    }
    return b;
  }

  @Override
  public CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new McpTransportException("http: closed"));
    }
    String body = Codec.encode(message);
    HttpRequest.Builder b =
        base(endpoint)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    String method =
        message instanceof Request r
            ? r.method()
            : message instanceof Notification n ? n.method() : null;
    if (method != null) {
      b.header("Mcp-Method", method);
    }
    headers.forEach((k, v) -> b.header(k, v));
    RequestId awaited = message instanceof Request r ? r.id() : null;
    if (awaited != null) {
      awaiting.add(awaited);
    }
    boolean initialize = McpMethods.INITIALIZE.equals(method);
    CompletableFuture<Void> done = new CompletableFuture<>();
    http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .whenComplete(
            (resp, err) -> {
              if (err != null) {
                forget(awaited);
                done.completeExceptionally(
                    new McpTransportException("http: POST failed: " + err.getMessage(), err));
                return;
              }
              try {
                onPostAnswer(resp, awaited, initialize, done);
              } catch (RuntimeException e) {
                done.completeExceptionally(e);
              }
            });
    return done;
  }

  private void onPostAnswer(
      HttpResponse<InputStream> resp, RequestId awaited, boolean initialize, CompletableFuture<Void> done) {
    int status = resp.statusCode();
    if (initialize) {
      resp.headers().firstValue("Mcp-Session-Id").ifPresent(s -> sessionId = s);
    }
    String type = resp.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
    if (status >= 200 && status < 300 && type.startsWith("text/event-stream")) {
      done.complete(null);
      readStream(resp.body(), awaited, null, 0);
      return;
    }
    String text = readAll(resp.body());
    if (status == 202 || status == 204 || (status >= 200 && status < 300 && text.isBlank())) {
      forget(awaited);
      done.complete(null);
      if (awaited != null) {
        listener.onRequestFailed(
            awaited, new McpTransportException("http: the server accepted a request without answering it", status, null));
      }
      return;
    }
    if (status >= 200 && status < 300) {
      deliverAll(text);
      done.complete(null);
      return;
    }
    if (status == 404 && sessionId != null && !initialize) {
      McpTransportException gone =
          new McpTransportException("http: session " + sessionId + " not found (404): it has ended", 404, null);
      forget(awaited);
      done.completeExceptionally(gone);
      reportClosed(gone);
      return;
    }
    // An error status: a JSON-RPC error body answers the request; anything else fails it.
    for (JsonRpcMessage m : Codec.decode(text.isBlank() ? "null" : text)) {
      if (m instanceof ErrorResponse e && awaited != null) {
        forget(awaited);
        listener.onMessage(e.id() == null ? new ErrorResponse(awaited, e.error()) : e);
        done.complete(null);
        return;
      }
    }
    forget(awaited);
    done.completeExceptionally(
        new McpTransportException("http: " + status + " " + snippet(text), status, null));
  }

  private void forget(RequestId id) {
    if (id != null) {
      awaiting.remove(id);
    }
  }

  private static String snippet(String text) {
    String t = text.strip();
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private void deliverAll(String text) {
    for (JsonRpcMessage m : Codec.decode(text)) {
      deliver(m);
    }
  }

  private void deliver(JsonRpcMessage m) {
    if (m instanceof Response r) {
      awaiting.remove(r.id());
    } else if (m instanceof ErrorResponse e && e.id() != null) {
      awaiting.remove(e.id());
    }
    listener.onMessage(m);
  }

  /**
   * Reads a POST stream (or its resumption) on a stream thread. When it ends before the awaited
   * response, it is resumed with Last-Event-ID after the retry delay.
   */
  private void readStream(InputStream in, RequestId awaited, String lastIdBefore, int attempts) {
    streamThreads.execute(
        () -> {
          String[] lastId = {lastIdBefore};
          long[] retry = {DEFAULT_RETRY_MS};
          boolean[] progressed = {false};
          openStreams.add(in);
          try {
            SseReader.read(
                in,
                ev -> {
                  if (ev.id() != null) {
                    lastId[0] = ev.id();
                  }
                  if (ev.retryMs() >= 0) {
                    retry[0] = ev.retryMs();
                  }
                  if (!ev.data().isBlank()) {
                    progressed[0] = true;
                    deliverAll(ev.data());
                  }
                  if (awaited != null && !awaiting.contains(awaited)) {
                    closeQuietly(in);
                  }
                });
          } catch (IOException e) {
            LOG.debug("http: stream for {} ended: {}", awaited, e.toString());
          } finally {
            openStreams.remove(in);
            closeQuietly(in);
          }
          if (closed.get() || awaited == null || !awaiting.contains(awaited)) {
            return;
          }
          int next = progressed[0] ? 1 : attempts + 1;
          if (lastId[0] == null) {
            failAwaited(awaited, "its SSE stream ended before the response and had no event id to resume from");
          } else if (next > MAX_RESUME_ATTEMPTS) {
            failAwaited(awaited, "its SSE stream could not be resumed after " + MAX_RESUME_ATTEMPTS + " attempts");
          } else {
            String from = lastId[0];
            timer.schedule(() -> resume(awaited, from, next), retry[0], TimeUnit.MILLISECONDS);
          }
        });
  }

  private void failAwaited(RequestId awaited, String why) {
    forget(awaited);
    listener.onRequestFailed(awaited, new McpTransportException("http: request " + awaited + ": " + why));
  }

  private void resume(RequestId awaited, String lastEventId, int attempts) {
    if (closed.get() || !awaiting.contains(awaited)) {
      return;
    }
    HttpRequest req =
        base(endpoint).header("Accept", "text/event-stream").header("Last-Event-ID", lastEventId).GET().build();
    http.sendAsync(req, HttpResponse.BodyHandlers.ofInputStream())
        .whenComplete(
            (resp, err) -> {
              if (err != null) {
                if (attempts >= MAX_RESUME_ATTEMPTS) {
                  failAwaited(awaited, "resuming its stream failed: " + err.getMessage());
                } else {
                  timer.schedule(() -> resume(awaited, lastEventId, attempts + 1), DEFAULT_RETRY_MS, TimeUnit.MILLISECONDS);
                }
                return;
              }
              String type = resp.headers().firstValue("Content-Type").orElse("");
              if (resp.statusCode() == 200 && type.startsWith("text/event-stream")) {
                readStream(resp.body(), awaited, lastEventId, attempts);
              } else {
                String text = readAll(resp.body());
                failAwaited(awaited, "resuming its stream was answered " + resp.statusCode() + " " + snippet(text));
              }
            });
  }

  /** The session's GET stream: opened once after initialize, reopened with Last-Event-ID. */
  private void standaloneStream(String lastEventId, int failures) {
    if (closed.get()) {
      return;
    }
    HttpRequest.Builder b = base(endpoint).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> resp;
    try {
      resp = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      retryStandalone(lastEventId, failures + 1, DEFAULT_RETRY_MS);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    String type = resp.headers().firstValue("Content-Type").orElse("");
    if (resp.statusCode() != 200 || !type.startsWith("text/event-stream")) {
      closeQuietly(resp.body());
      if (resp.statusCode() == 404 && sessionId != null) {
        reportClosed(new McpTransportException("http: session " + sessionId + " not found (404): it has ended", 404, null));
      } else if (resp.statusCode() != 405) {
        LOG.debug("http: GET stream refused with {}", resp.statusCode());
      }
      return;
    }
    String[] lastId = {lastEventId};
    long[] retry = {DEFAULT_RETRY_MS};
    InputStream in = resp.body();
    openStreams.add(in);
    try {
      SseReader.read(
          in,
          ev -> {
            if (ev.id() != null) {
              lastId[0] = ev.id();
            }
            if (ev.retryMs() >= 0) {
              retry[0] = ev.retryMs();
            }
            if (!ev.data().isBlank()) {
              deliverAll(ev.data());
            }
          });
    } catch (IOException e) {
      LOG.debug("http: GET stream ended: {}", e.toString());
    } finally {
      openStreams.remove(in);
      closeQuietly(in);
    }
    retryStandalone(lastId[0], 0, retry[0]);
  }

  private void retryStandalone(String lastEventId, int failures, long delayMs) {
    if (closed.get() || failures > MAX_RESUME_ATTEMPTS) {
      return;
    }
    timer.schedule(
        () -> streamThreads.execute(() -> standaloneStream(lastEventId, failures)),
        delayMs,
        TimeUnit.MILLISECONDS);
  }

  private void reportClosed(Throwable cause) {
    if (!closed.get() && reportedClosed.compareAndSet(false, true)) {
      listener.onClosed(cause);
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    openStreams.forEach(StreamableHttpTransport::closeQuietly);
    String sid = sessionId;
    ProtocolVersion v = version;
    if (sid != null && (v == null || !v.isStateless())) {
      try {
        HttpRequest del = base(endpoint).timeout(Duration.ofSeconds(5)).DELETE().build();
        http.send(del, HttpResponse.BodyHandlers.discarding());
      } catch (IOException e) {
        LOG.debug("http: DELETE of session {} failed: {}", sid, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    timer.shutdownNow();
    streamThreads.shutdownNow();
  }
}
