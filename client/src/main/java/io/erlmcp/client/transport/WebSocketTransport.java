package io.erlmcp.client.transport;

import io.erlmcp.client.ClientTls;
import io.erlmcp.client.McpTransportException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * MCP over WebSocket: one JSON-RPC message per text frame, subprotocol {@code mcp}. Sends are
 * queued (a WebSocket allows one outstanding send), so callers may send from any thread.
 */
public final class WebSocketTransport implements McpTransport {
  private final URI uri;
  private final Map<String, String> extraHeaders;
  private final ClientTls tls;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean reported = new AtomicBoolean();
  private final Object sendLock = new Object();
  private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
  private volatile WebSocket ws;
  private volatile Listener listener;

  public WebSocketTransport(URI uri) {
    this(uri, Map.of());
  }

  public WebSocketTransport(URI uri, Map<String, String> extraHeaders) {
    this(uri, extraHeaders, ClientTls.DEFAULT);
  }

  /** As above, with TLS settings for {@code wss://} (trust store, client certificate). */
  public WebSocketTransport(URI uri, Map<String, String> extraHeaders, ClientTls tls) {
    this.uri = uri;
    this.extraHeaders = Map.copyOf(extraHeaders);
    this.tls = tls;
  }

  @Override
  public CompletionStage<Void> start(Listener listener) {
    this.listener = listener;
    WebSocket.Builder b =
        tls.applyTo(HttpClient.newBuilder())
            .build()
            .newWebSocketBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .subprotocols("mcp");
    extraHeaders.forEach(b::header);
    return b.buildAsync(uri, new Frames())
        .handle(
            (socket, err) -> {
              if (err != null) {
                throw new McpTransportException("ws: cannot connect to " + uri + ": " + err.getMessage(), err);
              }
              ws = socket;
              return null;
            });
  }

  private final class Frames implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        for (JsonRpcMessage m : Codec.decode(frame)) {
          listener.onMessage(m);
        }
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      ended(new McpTransportException("ws: closed by the server: " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      ended(new McpTransportException("ws: " + error.getMessage(), error));
    }
  }

  private void ended(McpTransportException cause) {
    if (!closed.get() && reported.compareAndSet(false, true)) {
      listener.onClosed(cause);
    }
  }

  @Override
  public CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers) {
    if (closed.get() || ws == null) {
      return CompletableFuture.failedFuture(new McpTransportException("ws: not open"));
    }
    String frame = Codec.encode(message);
    CompletableFuture<Void> done;
    synchronized (sendLock) {
      done =
          lastSend
              .handle((r, e) -> null)
              .thenCompose(x -> ws.sendText(frame, true))
              .handle(
                  (r, e) -> {
                    if (e != null) {
                      throw new McpTransportException("ws: send failed: " + e.getMessage(), e);
                    }
                    return (Void) null;
                  });
      lastSend = done;
    }
    return done;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ws != null) {
      WebSocket socket = ws;
      // a close frame, then the connection goes at the latest 2 s later
      socket
          .sendClose(WebSocket.NORMAL_CLOSURE, "client closing")
          .orTimeout(2, java.util.concurrent.TimeUnit.SECONDS)
          .whenComplete((x, e) -> socket.abort());
    }
  }
}
