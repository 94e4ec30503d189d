package io.erlmcp.client;

/** The reference server spawned as a process, over stdio. */
class EverythingOverStdioTest extends AbstractEverythingTest {
  @Override
  McpClient.Builder builder() {
    return McpClient.stdio(Peers.everythingCommand("stdio").toArray(String[]::new));
  }
}
