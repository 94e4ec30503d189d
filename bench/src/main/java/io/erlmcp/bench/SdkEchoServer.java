package io.erlmcp.bench;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The benchmark peer: the official MCP Java SDK serving one tool, {@code echo}, whose text content
 * is its {@code message} argument.
 *
 * <p>Over Streamable HTTP it runs {@link HttpServletStreamableServerTransportProvider} on embedded
 * Tomcat at {@code /mcp}, as the SDK's own conformance server does; over stdio it uses {@link
 * StdioServerTransportProvider}. Nothing else is configured (no security validator, no keep-alive,
 * SLF4J bound to nop), so the figures are the SDK's defaults.
 *
 * <pre>
 *   SdkEchoServer --http 127.0.0.1:8081
 *   SdkEchoServer --stdio
 * </pre>
 */
public final class SdkEchoServer {

  private SdkEchoServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("--stdio")) {
      serveStdio();
    } else if (args.length == 2 && args[0].equals("--http")) {
      int colon = args[1].lastIndexOf(':');
      if (colon < 0) {
        usage();
      }
      serveHttp(args[1].substring(0, colon), Integer.parseInt(args[1].substring(colon + 1)));
    } else {
      usage();
    }
  }

  private static void usage() {
    System.err.println("usage: SdkEchoServer --http HOST:PORT | --stdio");
    System.exit(2);
  }

  static SyncToolSpecification echoTool() {
    Tool tool =
        Tool.builder()
            .name("echo")
            .description("Echoes back the message")
            .inputSchema(
                Map.of(
                    "type", "object",
                    "properties", Map.of("message", Map.of("type", "string")),
                    "required", List.of("message")))
            .build();
    return SyncToolSpecification.builder()
        .tool(tool)
        .callHandler(
            (exchange, request) -> {
              Object message = request.arguments().get("message");
              return CallToolResult.builder()
                  .addTextContent(message == null ? "" : message.toString())
                  .isError(false)
                  .build();
            })
        .build();
  }

  private static ServerCapabilities capabilities() {
    return ServerCapabilities.builder().tools(false).build();
  }

  private static void serveStdio() throws InterruptedException {
    McpJsonMapper json = McpJsonDefaults.getMapper();
    McpSyncServer server =
        McpServer.sync(new StdioServerTransportProvider(json))
            .serverInfo("sdk-echo", "2.1.0")
            .capabilities(capabilities())
            .tools(echoTool())
            .build();
    Runtime.getRuntime().addShutdownHook(new Thread(server::closeGracefully));
    // The transport reads stdin on its own thread; keep the JVM alive until killed.
    Thread.currentThread().join();
  }

  private static void serveHttp(String host, int port) throws Exception {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint("/mcp")
            .build();
    McpSyncServer server =
        McpServer.sync(transport)
            .serverInfo("sdk-echo", "2.1.0")
            .capabilities(capabilities())
            .tools(echoTool())
            .build();

    Tomcat tomcat = new Tomcat();
    Path base = Files.createTempDirectory("sdk-echo-tomcat");
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(port);
    tomcat.getConnector().setProperty("address", host);
    Context context = tomcat.addContext("", base.toString());
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded("/mcp", "mcp");
    start(tomcat);
    System.err.println("sdk-echo listening on http://" + host + ":" + port + "/mcp");
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.closeGracefully();
                  try {
                    tomcat.stop();
                  } catch (LifecycleException e) {
                    System.err.println("tomcat stop: " + e.getMessage());
                  }
                }));
    tomcat.getServer().await();
  }

  private static void start(Tomcat tomcat) throws LifecycleException {
    tomcat.start();
  }
}
