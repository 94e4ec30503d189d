package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpTransportException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A node stopped gracefully (SIGTERM: coordinated shutdown) tells its WebSocket clients with close
 * code 1001 "going away" rather than dropping the socket: a raw {@code java.net.http} WebSocket
 * sees the code, and the client SDK's pending and later calls fail with {@link
 * McpTransportException} naming it.
 */
@Tag("interop")
class WebSocketGoingAwayOnShutdownTest {

  @Test
  void aGracefulStopClosesEveryWebSocketWith1001() throws Exception {
    int port = ErlmcpServer.freePort();
    try (ErlmcpServer node =
        ErlmcpServer.startHttp(port, ErlmcpServer.newDataDir("ws-going-away"), ErlmcpServer.newLogFile("ws-going-away"))) {
      CompletableFuture<String> closed = new CompletableFuture<>();
      WebSocket raw =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .subprotocols("mcp")
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                      closed.complete(statusCode + " " + reason);
                      return null;
                    }

                    @Override
                    public void onError(WebSocket ws, Throwable error) {
                      closed.complete("error " + error);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      McpClient sdk = McpClient.websocket("ws://127.0.0.1:" + port + "/ws").requestTimeout(Duration.ofSeconds(30)).build();
      try {
        sdk.connect().join();
        assertTrue(sdk.ping().join().isObject());

        node.stop();

        assertEquals("1001 server shutting down", closed.get(30, TimeUnit.SECONDS), node.logTail(40));
        // the SDK client got the same close frame on its own socket; give it a moment to process it
        Thread.sleep(500);
        CompletionException e = assertThrows(CompletionException.class, () -> sdk.ping().join());
        McpTransportException t = assertInstanceOf(McpTransportException.class, e.getCause());
        assertTrue(t.getMessage().contains("1001"), t.getMessage());
      } finally {
        sdk.close();
        raw.abort();
      }
    }
  }
}
