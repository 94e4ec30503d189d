package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** A stdio server that dies: the client says so, with the exit status and the server's last words. */
class StdioTransportLossTest {

  @Test
  void aServerThatExitsFailsConnectWithItsStatusAndStderr() {
    try (McpClient c =
        McpClient.stdio("sh", "-c", "read line; echo 'config file missing' >&2; exit 3")
            .requestTimeout(Duration.ofSeconds(20))
            .build()) {
      CompletionException e = assertThrows(CompletionException.class, () -> c.connect().join());
      McpTransportException t = assertInstanceOf(McpTransportException.class, e.getCause());
      assertTrue(t.getMessage().contains("exited with status 3"), t.getMessage());
      assertTrue(t.getMessage().contains("config file missing"), t.getMessage());
      assertInstanceOf(McpTransportException.class, assertThrows(CompletionException.class, () -> c.ping().join()).getCause());
    }
  }

  @Test
  void aCommandThatCannotStartFailsConnect() {
    try (McpClient c = McpClient.stdio("/nonexistent/mcp-server").build()) {
      CompletionException e = assertThrows(CompletionException.class, () -> c.connect().join());
      assertInstanceOf(McpTransportException.class, e.getCause());
    }
  }
}
