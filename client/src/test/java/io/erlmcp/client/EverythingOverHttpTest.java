package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The reference server over Streamable HTTP (its own process, a real port). */
class EverythingOverHttpTest extends AbstractEverythingTest {
  private Peers.Server server;

  @Override
  McpClient.Builder builder() {
    server = Peers.everythingHttp("streamableHttp");
    return McpClient.http(server.url("/mcp"));
  }

  @Test
  void theServerAssignedASession() {
    assertNotNull(client.sessionId());
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }
}
