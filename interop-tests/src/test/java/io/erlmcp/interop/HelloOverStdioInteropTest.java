package io.erlmcp.interop;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The hello example over stdio: the SDK's StdioClientTransport starts {@code bin/erlmcp serve
 * --stdio} itself (embedded journal in a fresh data directory); its stderr goes to a log file.
 */
class HelloOverStdioInteropTest extends AbstractHelloInteropTest {

  @Override
  McpSyncClient connect(Function<McpClient.SyncSpec, McpSyncClient> configure) {
    Path log = serverLog.watch(ErlmcpServer.newLogFile("hello-stdio"));
    ServerParameters params =
        ServerParameters.builder(ErlmcpServer.erlmcpCommand())
            .args(
                "serve",
                "--stdio",
                "--server",
                "hello",
                "--data-dir",
                ErlmcpServer.newDataDir("hello-stdio").toString())
            .build();
    StdioClientTransport transport = new StdioClientTransport(params, McpJsonDefaults.getMapper());
    transport.setStdErrorHandler(line -> ErlmcpServer.appendLine(log, line));
    return configure.apply(McpClient.sync(transport));
  }

  @Override
  void disconnect() {
    // The transport owns the process: closeGracefully() has already stopped it.
  }
}
