package io.erlmcp.interop;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.util.function.Function;

/** The hello example over Streamable HTTP: SDK client against {@code bin/erlmcp serve --http}. */
class HelloOverHttpInteropTest extends AbstractHelloInteropTest {
  private ErlmcpServer server;

  @Override
  McpSyncClient connect(Function<McpClient.SyncSpec, McpSyncClient> configure) {
    server =
        ErlmcpServer.startHttp(
            ErlmcpServer.freePort(),
            ErlmcpServer.newDataDir("hello-http"),
            serverLog.watch(ErlmcpServer.newLogFile("hello-http")));
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder(server.baseUrl()).endpoint("/mcp").build();
    return configure.apply(McpClient.sync(transport));
  }

  @Override
  void disconnect() {
    if (server != null) {
      server.stop();
    }
  }
}
