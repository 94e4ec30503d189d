package io.erlmcp.client.transport;

import io.erlmcp.client.ClientTls;
import io.erlmcp.client.McpTransportException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP+SSE transport of 2024-11-05: a GET opens an SSE stream whose first event, {@code
 * endpoint}, names the URL to POST messages to; every message from the server (responses
 * included) arrives as a {@code message} event on that stream. The stream ending ends the
 * connection.
 */
public final class LegacySseTransport implements McpTransport {
  private final URI sseUrl;
  private final Map<String, String> extraHeaders;
  private final HttpClient http;
  private final ExecutorService threads;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final CompletableFuture<URI> postUrl = new CompletableFuture<>();
  private volatile InputStream stream;
  private volatile Listener listener;

  public LegacySseTransport(URI sseUrl) {
    this(sseUrl, Map.of());
  }

  public LegacySseTransport(URI sseUrl, Map<String, String> extraHeaders) {
    this(sseUrl, extraHeaders, ClientTls.DEFAULT);
  }

  /** As above, with TLS settings for {@code https://} (trust store, client certificate). */
  public LegacySseTransport(URI sseUrl, Map<String, String> extraHeaders, ClientTls tls) {
    this.sseUrl = sseUrl;
    this.extraHeaders = Map.copyOf(extraHeaders);
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "erlmcp-client-sse");
              t.setDaemon(true);
              return t;
            });
    this.http =
        tls.applyTo(HttpClient.newBuilder())
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(threads)
            .build();
  }

  @Override
  public CompletionStage<Void> start(Listener listener) {
    this.listener = listener;
    HttpRequest.Builder b = HttpRequest.newBuilder(sseUrl).header("Accept", "text/event-stream").GET();
    extraHeaders.forEach(b::header);
    http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .whenComplete(
            (resp, err) -> {
              if (err != null) {
                postUrl.completeExceptionally(
                    new McpTransportException("sse: GET " + sseUrl + " failed: " + err.getMessage(), err));
                return;
              }
              String type = resp.headers().firstValue("Content-Type").orElse("");
              if (resp.statusCode() != 200 || !type.startsWith("text/event-stream")) {
                closeQuietly(resp.body());
                postUrl.completeExceptionally(
                    new McpTransportException(
                        "sse: GET " + sseUrl + " answered " + resp.statusCode() + " " + type,
                        resp.statusCode(),
                        null));
                return;
              }
              stream = resp.body();
              threads.execute(() -> read(resp.body()));
            });
    return postUrl
        .orTimeout(30, TimeUnit.SECONDS)
        .thenApply(u -> (Void) null)
        .exceptionallyCompose(
            e ->
                CompletableFuture.failedFuture(
                    e instanceof java.util.concurrent.TimeoutException
                        ? new McpTransportException("sse: no endpoint event within 30 s")
                        : e));
  }

  private void read(InputStream in) {
    Throwable cause = null;
    try {
      SseReader.read(
          in,
          ev -> {
            if ("endpoint".equals(ev.event())) {
              postUrl.complete(sseUrl.resolve(ev.data().strip()));
            } else if (!ev.data().isBlank()) {
              for (JsonRpcMessage m : Codec.decode(ev.data())) {
                listener.onMessage(m);
              }
            }
          });
    } catch (IOException e) {
      cause = e;
    }
    McpTransportException ended = new McpTransportException("sse: the server closed the event stream", cause);
    postUrl.completeExceptionally(ended);
    if (!closed.get() && reported.compareAndSet(false, true)) {
      listener.onClosed(ended);
    }
  }

  @Override
  public CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new McpTransportException("sse: closed"));
    }
    return postUrl.thenCompose(
        url -> {
          HttpRequest.Builder b =
              HttpRequest.newBuilder(url)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(Codec.encode(message), StandardCharsets.UTF_8));
          extraHeaders.forEach(b::header);
          return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
              .handle(
                  (resp, err) -> {
                    if (err != null) {
                      throw new McpTransportException("sse: POST failed: " + err.getMessage(), err);
                    }
                    int s = resp.statusCode();
                    if (s >= 200 && s < 300) {
                      return null;
                    }
                    for (JsonRpcMessage m : Codec.decode(resp.body().isBlank() ? "null" : resp.body())) {
                      if (m instanceof ErrorResponse e && message instanceof Request r) {
                        listener.onMessage(e.id() == null ? new ErrorResponse(r.id(), e.error()) : e);
                        return null;
                      }
                    }
                    throw new McpTransportException("sse: POST answered " + s + " " + resp.body(), s, null);
                  });
        });
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
    if (closed.compareAndSet(false, true)) {
      InputStream s = stream;
      if (s != null) {
        closeQuietly(s);
      }
      threads.shutdownNow();
    }
  }
}
