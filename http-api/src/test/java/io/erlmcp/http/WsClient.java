package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (java.net.http) for the tests: whole text messages into a queue, the
 * close code and reason into a future. With {@code reading = false} it takes nothing from the
 * socket until {@link #startReading()} (a slow reader).
 */
final class WsClient implements io.erlmcp.transport.MessageClient, AutoCloseable {
  final WebSocket ws;
  final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
  /** "code reason" of the server's close frame. */
  final CompletableFuture<String> closed = new CompletableFuture<>();
  /** Ping frames received from the server. */
  final java.util.concurrent.atomic.AtomicInteger pings = new java.util.concurrent.atomic.AtomicInteger();

  private WsClient(WebSocket ws) {
    this.ws = ws;
  }

  static WsClient connect(HttpClient http, URI uri, boolean reading, String... subprotocols) {
    Listener listener = new Listener(reading);
    WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (subprotocols.length > 0) {
      b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    WebSocket ws = b.buildAsync(uri, listener).join();
    WsClient c = new WsClient(ws);
    listener.client.complete(c);
    return c;
  }

  static WsClient connect(HttpClient http, URI uri) {
    return connect(http, uri, true, "mcp");
  }

  @Override
  public void send(String text) {
    ws.sendText(text, true).join();
  }

  @Override
  public JsonNode read() throws InterruptedException {
    String m = messages.poll(10, TimeUnit.SECONDS);
    if (m == null) {
      fail("no WebSocket message within 10 s");
    }
    JsonNode n = Json.parse(m);
    assertTrue(n.isObject(), m);
    return n;
  }

  void startReading() {
    ws.request(Long.MAX_VALUE);
  }

  String awaitClose() throws Exception {
    return closed.get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    ws.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    final CompletableFuture<WsClient> client = new CompletableFuture<>();
    private final boolean reading;
    private final StringBuilder part = new StringBuilder();

    Listener(boolean reading) {
      this.reading = reading;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      if (reading) {
        webSocket.request(Long.MAX_VALUE);
      }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      part.append(data);
      if (last) {
        String m = part.toString();
        part.setLength(0);
        client.thenAccept(c -> c.messages.add(m));
      }
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
      client.thenAccept(c -> c.pings.incrementAndGet());
      return WebSocket.Listener.super.onPing(webSocket, message);
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      client.thenAccept(c -> c.closed.complete(statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      client.thenAccept(c -> c.closed.complete("error " + error));
    }
  }
}
