package io.erlmcp.interop;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncCompletionSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.BlobResourceContents;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteResult.CompleteCompletion;
import io.modelcontextprotocol.spec.McpSchema.CreateMessageRequest;
import io.modelcontextprotocol.spec.McpSchema.ElicitRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import io.modelcontextprotocol.spec.McpSchema.LoggingMessageNotification;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.PromptMessage;
import io.modelcontextprotocol.spec.McpSchema.PromptReference;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.ResourcesUpdatedNotification;
import io.modelcontextprotocol.spec.McpSchema.Role;
import io.modelcontextprotocol.spec.McpSchema.SamplingMessage;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;

/**
 * The official MCP Java SDK ({@code io.modelcontextprotocol.sdk:mcp}) serving every feature it
 * offers, as the peer of {@link ClientAgainstJavaSdkServerTest}: tools (structured output, an
 * error result, progress and logging, calls back to the client for sampling, roots and
 * elicitation, a slow one to cancel, one that adds a tool at runtime), resources (text, blob, a
 * template, subscriptions), a prompt with arguments and its completion, and logging levels.
 *
 * <p>{@link #startHttp()} runs it in this JVM on embedded Tomcat with the SDK's {@link
 * HttpServletStreamableServerTransportProvider} at {@code /mcp}, as the SDK's own conformance
 * server does; {@link #main} with {@code --stdio} serves one client on stdin/stdout ({@link
 * StdioServerTransportProvider}), started by the test as a process on its own class path.
 */
final class JavaSdkServer implements AutoCloseable {
  static final String TEXT_URI = "sdk://text";
  static final String BLOB_URI = "sdk://blob";
  static final byte[] BLOB = {0, 1, 2, (byte) 0xfe, (byte) 0xff};

  private final McpSyncServer server;
  private final Tomcat tomcat;
  private final int port;

  private JavaSdkServer(McpSyncServer server, Tomcat tomcat, int port) {
    this.server = server;
    this.tomcat = tomcat;
    this.port = port;
  }

  /** Serves stdio until stdin closes (the client's {@code close()}). */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1 || !args[0].equals("--stdio")) {
      System.err.println("usage: JavaSdkServer --stdio");
      System.exit(2);
    }
    McpSyncServer server = build(McpServer.sync(new StdioServerTransportProvider(McpJsonDefaults.getMapper())));
    Runtime.getRuntime().addShutdownHook(new Thread(server::closeGracefully));
    Thread.currentThread().join();
  }

  /** Starts the server on a free loopback port, Streamable HTTP at {@code /mcp}. */
  static JavaSdkServer startHttp() throws Exception {
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint("/mcp")
            .build();
    McpSyncServer server = build(McpServer.sync(transport));
    Tomcat tomcat = new Tomcat();
    Path base = Files.createTempDirectory(ErlmcpServer.workDir(), "sdk-tomcat-");
    tomcat.setBaseDir(base.toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    Context context = tomcat.addContext("", base.toString());
    Wrapper wrapper = Tomcat.addServlet(context, "mcp", transport);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded("/mcp", "mcp");
    tomcat.start();
    return new JavaSdkServer(server, tomcat, tomcat.getConnector().getLocalPort());
  }

  String url() {
    return "http://127.0.0.1:" + port + "/mcp";
  }

  @Override
  public void close() throws LifecycleException {
    server.closeGracefully();
    tomcat.stop();
    tomcat.destroy();
  }

  // ------------------------------------------------------------------ the features

  private static McpSyncServer build(McpServer.SyncSpecification<?> spec) {
    AtomicReference<McpSyncServer> self = new AtomicReference<>();
    McpSyncServer server =
        spec.serverInfo("java-sdk-everything", "2.1.0")
            .instructions("the official Java SDK, every feature")
            .capabilities(
                ServerCapabilities.builder()
                    .tools(true)
                    .resources(true, true)
                    .prompts(true)
                    .logging()
                    .completions()
                    .build())
            .tools(
                tool(
                    Tool.builder()
                        .name("add")
                        .description("Adds two numbers")
                        .inputSchema(objectSchema(Map.of("a", number(), "b", number()), List.of("a", "b")))
                        .outputSchema(objectSchema(Map.of("sum", number()), List.of("sum"))),
                    (ex, req) -> {
                      double sum = num(req, "a") + num(req, "b");
                      return CallToolResult.builder()
                          .addTextContent(String.valueOf(sum))
                          .structuredContent(Map.of("sum", sum))
                          .build();
                    }),
                tool(
                    Tool.builder().name("fail").description("Always fails").inputSchema(objectSchema(Map.of(), List.of())),
                    (ex, req) -> CallToolResult.builder().addTextContent("it failed").isError(true).build()),
                tool(
                    Tool.builder()
                        .name("countdown")
                        .description("Reports progress and logs each step")
                        .inputSchema(objectSchema(Map.of("steps", number()), List.of())),
                    JavaSdkServer::countdown),
                tool(
                    Tool.builder()
                        .name("ask_client")
                        .description("Asks the client: sampling, roots, elicitation")
                        .inputSchema(objectSchema(Map.of(), List.of())),
                    (ex, req) -> askClient(ex)),
                tool(
                    Tool.builder()
                        .name("slow")
                        .description("Answers after the given milliseconds")
                        .inputSchema(objectSchema(Map.of("millis", number()), List.of("millis"))),
                    (ex, req) -> {
                      sleep((long) num(req, "millis"));
                      return CallToolResult.builder().addTextContent("slept").build();
                    }),
                tool(
                    Tool.builder()
                        .name("add_tool")
                        .description("Adds the tool 'late' (tools/list_changed)")
                        .inputSchema(objectSchema(Map.of(), List.of())),
                    (ex, req) -> {
                      self.get()
                          .addTool(
                              tool(
                                  Tool.builder()
                                      .name("late")
                                      .description("Added at runtime")
                                      .inputSchema(objectSchema(Map.of(), List.of())),
                                  (e2, r2) -> CallToolResult.builder().addTextContent("late").build()));
                      return CallToolResult.builder().addTextContent("added").build();
                    }),
                tool(
                    Tool.builder()
                        .name("touch")
                        .description("Sends notifications/resources/updated for the uri")
                        .inputSchema(objectSchema(Map.of("uri", Map.of("type", "string")), List.of("uri"))),
                    (ex, req) -> {
                      String uri = String.valueOf(req.arguments().get("uri"));
                      self.get().notifyResourcesUpdated(new ResourcesUpdatedNotification(uri));
                      return CallToolResult.builder().addTextContent("touched " + uri).build();
                    }))
            .resources(
                new SyncResourceSpecification(
                    Resource.builder().uri(TEXT_URI).name("text").mimeType("text/plain").build(),
                    (ex, req) ->
                        new ReadResourceResult(List.of(new TextResourceContents(req.uri(), "text/plain", "hello from the SDK")))),
                new SyncResourceSpecification(
                    Resource.builder().uri(BLOB_URI).name("blob").mimeType("application/octet-stream").build(),
                    (ex, req) ->
                        new ReadResourceResult(
                            List.of(
                                new BlobResourceContents(
                                    req.uri(), "application/octet-stream", Base64.getEncoder().encodeToString(BLOB))))))
            .resourceTemplates(
                new SyncResourceTemplateSpecification(
                    ResourceTemplate.builder().uriTemplate("sdk://items/{id}").name("item").mimeType("text/plain").build(),
                    (ex, req) ->
                        new ReadResourceResult(
                            List.of(
                                new TextResourceContents(
                                    req.uri(), "text/plain", "item " + req.uri().substring("sdk://items/".length()))))))
            .prompts(
                new SyncPromptSpecification(
                    new Prompt(
                        "greet",
                        "Greets someone",
                        List.of(new PromptArgument("name", "who", true), new PromptArgument("style", "how", false))),
                    (ex, req) -> {
                      Object style = req.arguments().getOrDefault("style", "plain");
                      String text = "Hello " + req.arguments().get("name") + " (" + style + ")";
                      return new GetPromptResult("a greeting", List.of(new PromptMessage(Role.USER, new TextContent(text))));
                    }))
            .completions(
                new SyncCompletionSpecification(
                    new PromptReference("greet"),
                    (ex, req) -> {
                      String prefix = req.argument().value();
                      List<String> values =
                          List.of("formal", "friendly", "funny").stream().filter(s -> s.startsWith(prefix)).toList();
                      return new CompleteResult(new CompleteCompletion(values, values.size(), false));
                    }))
            .build();
    self.set(server);
    return server;
  }

  private static SyncToolSpecification tool(
      Tool.Builder tool, java.util.function.BiFunction<McpSyncServerExchange, CallToolRequest, CallToolResult> handler) {
    return SyncToolSpecification.builder().tool(tool.build()).callHandler(handler).build();
  }

  private static CallToolResult countdown(McpSyncServerExchange ex, CallToolRequest req) {
    int steps = req.arguments().containsKey("steps") ? (int) num(req, "steps") : 3;
    Object token = req.progressToken();
    for (int i = 1; i <= steps; i++) {
      if (token != null) {
        ex.progressNotification(new ProgressNotification(token, i, (double) steps, "step " + i));
      }
      // sent only when at or above the level the client set with logging/setLevel
      ex.loggingNotification(
          LoggingMessageNotification.builder().level(LoggingLevel.DEBUG).logger("countdown").data("debug " + i).build());
      ex.loggingNotification(
          LoggingMessageNotification.builder().level(LoggingLevel.WARNING).logger("countdown").data("step " + i).build());
    }
    return CallToolResult.builder().addTextContent("done after " + steps).build();
  }

  private static CallToolResult askClient(McpSyncServerExchange ex) {
    McpSchema.CreateMessageResult sampled =
        ex.createMessage(
            CreateMessageRequest.builder()
                .messages(List.of(new SamplingMessage(Role.USER, new TextContent("capital of France?"))))
                .maxTokens(20)
                .build());
    McpSchema.ListRootsResult roots = ex.listRoots();
    McpSchema.ElicitResult elicited =
        ex.createElicitation(
            ElicitRequest.builder(
                    "your name?",
                    Map.of(
                        "type", "object",
                        "properties", Map.of("name", Map.of("type", "string")),
                        "required", List.of("name")))
                .build());
    String answer =
        "sampled=" + ((TextContent) sampled.content()).text()
            + " roots=" + roots.roots().stream().map(McpSchema.Root::uri).toList()
            + " elicited=" + elicited.action().name().toLowerCase(java.util.Locale.ROOT) + ":" + elicited.content();
    return CallToolResult.builder().addTextContent(answer).build();
  }

  private static Map<String, Object> objectSchema(Map<String, Object> properties, List<String> required) {
    return Map.of("type", "object", "properties", properties, "required", required);
  }

  private static Map<String, Object> number() {
    return Map.of("type", "number");
  }

  private static double num(CallToolRequest req, String name) {
    return ((Number) req.arguments().get(name)).doubleValue();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String blobBase64() {
    return Base64.getEncoder().encodeToString(BLOB);
  }

}
