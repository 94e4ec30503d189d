package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.CompleteRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptRequest;
import io.modelcontextprotocol.spec.McpSchema.GetPromptResult;
import io.modelcontextprotocol.spec.McpSchema.InitializeResult;
import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import io.modelcontextprotocol.spec.McpSchema.Prompt;
import io.modelcontextprotocol.spec.McpSchema.PromptArgument;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.ProtocolVersions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hello example, driven by the official MCP Java SDK client (2.1.0) over one transport. Each
 * concrete class starts one real erlmcp process for all of its tests and connects one client.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180)
abstract class AbstractHelloInteropTest {
  static final Set<String> TOOLS = Set.of("echo", "add", "countdown", "remember", "recall");
  static final String GREETING = "Hello from erlmcp, an MCP server on Apache Pekko!";

  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  /** Every progress notification the client received, in order. */
  final List<ProgressNotification> progress = new CopyOnWriteArrayList<>();

  /** Every log message notification the client received. */
  final List<McpSchema.LoggingMessageNotification> logMessages = new CopyOnWriteArrayList<>();

  McpSyncClient client;
  InitializeResult init;

  /** Starts the server (if the transport does not) and returns a client connected to it. */
  abstract McpSyncClient connect(Function<McpClient.SyncSpec, McpSyncClient> configure)
      throws Exception;

  /** Stops what {@link #connect} started, after the client is closed. */
  abstract void disconnect();

  @BeforeAll
  void startServerAndInitialize() throws Exception {
    client =
        connect(
            spec ->
                spec.clientInfo(new McpSchema.Implementation("erlmcp-interop", "1.0"))
                    .requestTimeout(Duration.ofSeconds(60))
                    .initializationTimeout(ErlmcpServer.STARTUP_TIMEOUT)
                    .progressConsumer(progress::add)
                    .loggingConsumer(logMessages::add)
                    .build());
    init = client.initialize();
  }

  @AfterAll
  void closeClientAndStopServer() {
    try {
      if (client != null) {
        client.closeGracefully();
      }
    } finally {
      disconnect();
    }
  }

  // ------------------------------------------------------------------ lifecycle

  @Test
  void initializeReportsServerInfoProtocolVersionAndCapabilities() {
    assertEquals("erlmcp-hello", init.serverInfo().name());
    assertEquals("0.1.0", init.serverInfo().version());
    assertEquals("erlmcp hello", init.serverInfo().title());
    // The SDK 2.1.0 client offers 2025-11-25 as its latest version; erlmcp supports it.
    assertEquals(ProtocolVersions.MCP_2025_11_25, init.protocolVersion());
    assertTrue(init.instructions().contains("hello://greeting"), init.instructions());

    McpSchema.ServerCapabilities caps = init.capabilities();
    assertNotNull(caps.tools(), "tools capability");
    assertNotNull(caps.resources(), "resources capability");
    assertEquals(Boolean.TRUE, caps.resources().subscribe(), "resources.subscribe");
    assertNotNull(caps.prompts(), "prompts capability");
    assertNotNull(caps.logging(), "logging capability");
    assertNotNull(caps.completions(), "completions capability");
    assertTrue(client.isInitialized());
  }

  @Test
  void pingIsAnswered() {
    assertNotNull(client.ping());
  }

  // ------------------------------------------------------------------ tools

  @Test
  void toolsListHasAllFiveToolsWithTheirSchemas() {
    Map<String, Tool> tools =
        client.listTools().tools().stream().collect(Collectors.toMap(Tool::name, t -> t));
    assertEquals(TOOLS, tools.keySet());

    Tool echo = tools.get("echo");
    assertEquals("Echo", echo.title());
    assertEquals("object", echo.inputSchema().get("type"));
    assertEquals(List.of("message"), echo.inputSchema().get("required"));
    assertEquals("string", property(echo.inputSchema(), "message").get("type"));
    assertEquals(Boolean.TRUE, echo.annotations().readOnlyHint());

    Tool add = tools.get("add");
    assertEquals(List.of("a", "b"), add.inputSchema().get("required"));
    assertEquals("number", property(add.inputSchema(), "a").get("type"));
    assertNotNull(add.outputSchema(), "add declares an output schema");
    assertEquals("number", property(add.outputSchema(), "sum").get("type"));

    Tool countdown = tools.get("countdown");
    Map<String, Object> seconds = property(countdown.inputSchema(), "seconds");
    assertEquals("integer", seconds.get("type"));
    assertEquals(1, ((Number) seconds.get("minimum")).intValue());
    assertEquals(60, ((Number) seconds.get("maximum")).intValue());

    assertEquals(List.of("key", "value"), tools.get("remember").inputSchema().get("required"));
    assertEquals(List.of("key"), tools.get("recall").inputSchema().get("required"));
  }

  @Test
  void echoReturnsItsMessage() {
    CallToolResult r = call("echo", Map.of("message", "hello, interop"));
    assertNotEquals(Boolean.TRUE, r.isError());
    assertEquals("hello, interop", text(r));
  }

  @Test
  void addReturnsTheSumAsTextAndStructuredContent() {
    CallToolResult r = call("add", Map.of("a", 2, "b", 3.5));
    assertNotEquals(Boolean.TRUE, r.isError());
    assertEquals("5.5", text(r));
    Map<?, ?> structured = assertInstanceOf(Map.class, r.structuredContent());
    assertEquals(Set.of("sum"), structured.keySet());
    assertEquals(5.5, ((Number) structured.get("sum")).doubleValue());
  }

  @Test
  void unknownToolIsAJsonRpcInvalidParamsError() {
    McpError e = assertThrows(McpError.class, () -> call("no-such-tool", Map.of()));
    assertEquals(-32602, e.getJsonRpcError().code(), e.toString());
  }

  @Test
  void wrongArgumentTypeIsReportedAsTheNegotiatedVersionDemands() {
    String version = init.protocolVersion();
    if (version.compareTo(ProtocolVersions.MCP_2025_11_25) >= 0) {
      // 2025-11-25: input validation errors are tool execution errors (isError), so the model
      // can see and correct them.
      CallToolResult r = call("echo", Map.of("message", 42));
      assertEquals(Boolean.TRUE, r.isError());
      assertTrue(text(r).contains("message"), text(r));
    } else {
      McpError e = assertThrows(McpError.class, () -> call("echo", Map.of("message", 42)));
      assertEquals(-32602, e.getJsonRpcError().code());
    }
  }

  @Test
  void countdownReportsProgressToTheProgressConsumer() {
    String token = "countdown-" + UUID.randomUUID();
    CallToolResult r =
        client.callTool(
            CallToolRequest.builder("countdown")
                .arguments(Map.of("seconds", 2))
                .progressToken(token)
                .build());
    assertNotEquals(Boolean.TRUE, r.isError());
    assertEquals("Liftoff after 2 s!", text(r));

    List<ProgressNotification> mine = awaitProgress(token, 2, Duration.ofSeconds(5));
    assertEquals(List.of(1.0, 2.0), mine.stream().map(ProgressNotification::progress).toList());
    assertEquals(2.0, mine.get(0).total());
    assertEquals("1 s left", mine.get(0).message());
    assertEquals("Liftoff!", mine.get(1).message());
  }

  @Test
  void rememberThenRecallWithinTheSessionReturnsTheValue() {
    String key = "colour-" + UUID.randomUUID();
    CallToolResult remembered = call("remember", Map.of("key", key, "value", "teal"));
    assertNotEquals(Boolean.TRUE, remembered.isError());
    assertEquals("Remembered " + key + ".", text(remembered));

    CallToolResult recalled = call("recall", Map.of("key", key));
    assertNotEquals(Boolean.TRUE, recalled.isError());
    assertEquals("teal", text(recalled));

    CallToolResult unknown = call("recall", Map.of("key", "never-" + UUID.randomUUID()));
    assertEquals(Boolean.TRUE, unknown.isError());
  }

  // ------------------------------------------------------------------ logging

  @Test
  void setLoggingLevelIsAccepted() {
    // The hello example writes no log notifications of its own, so only the request is checked.
    client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
    client.setLoggingLevel(McpSchema.LoggingLevel.INFO);
    assertNotNull(client.ping(), "session still serves after logging/setLevel");
  }

  // ------------------------------------------------------------------ resources

  @Test
  void resourcesListHasTheGreeting() {
    List<Resource> resources = client.listResources().resources();
    Resource greeting =
        resources.stream()
            .filter(r -> r.uri().equals("hello://greeting"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no hello://greeting in " + resources));
    assertEquals("greeting", greeting.name());
    assertEquals("text/plain", greeting.mimeType());
  }

  @Test
  void readingTheGreetingReturnsItsText() {
    ReadResourceResult r = client.readResource(new ReadResourceRequest("hello://greeting"));
    assertEquals(1, r.contents().size());
    TextResourceContents c = assertInstanceOf(TextResourceContents.class, r.contents().get(0));
    assertEquals("hello://greeting", c.uri());
    assertEquals("text/plain", c.mimeType());
    assertEquals(GREETING, c.text());
  }

  @Test
  void readingATemplateUriFillsInTheTemplate() throws Exception {
    String uri = "hello://users/ada/profile";
    ReadResourceResult r = client.readResource(new ReadResourceRequest(uri));
    assertEquals(1, r.contents().size());
    TextResourceContents c = assertInstanceOf(TextResourceContents.class, r.contents().get(0));
    assertEquals(uri, c.uri());
    assertEquals("application/json", c.mimeType());
    Map<?, ?> profile = McpJsonDefaults.getMapper().readValue(c.text(), Map.class);
    assertEquals("ada", profile.get("name"));
    assertEquals("Hello, ada!", profile.get("greeting"));
    assertEquals(uri, profile.get("profileUri"));
  }

  @Test
  void resourceTemplatesListHasTheProfileTemplate() {
    List<ResourceTemplate> templates = client.listResourceTemplates().resourceTemplates();
    assertEquals(
        List.of("hello://users/{name}/profile"),
        templates.stream().map(ResourceTemplate::uriTemplate).toList());
    assertEquals("user-profile", templates.get(0).name());
    assertEquals("application/json", templates.get(0).mimeType());
  }

  @Test
  void readingAnUnknownResourceIsAResourceNotFoundError() {
    McpError e =
        assertThrows(
            McpError.class,
            () -> client.readResource(new ReadResourceRequest("hello://no/such/thing")));
    assertEquals(-32002, e.getJsonRpcError().code(), e.toString());
  }

  @Test
  void subscribeAndUnsubscribeToTheGreetingSucceed() {
    client.subscribeResource(new McpSchema.SubscribeRequest("hello://greeting"));
    client.unsubscribeResource(new McpSchema.UnsubscribeRequest("hello://greeting"));
    assertNotNull(client.ping(), "session still serves after unsubscribe");
  }

  // ------------------------------------------------------------------ prompts and completion

  @Test
  void promptsListHasGreetWithItsArguments() {
    List<Prompt> prompts = client.listPrompts().prompts();
    Prompt greet =
        prompts.stream()
            .filter(p -> p.name().equals("greet"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no greet prompt in " + prompts));
    Map<String, PromptArgument> args =
        greet.arguments().stream().collect(Collectors.toMap(PromptArgument::name, a -> a));
    assertEquals(Set.of("name", "style"), args.keySet());
    assertEquals(Boolean.TRUE, args.get("name").required());
    assertNotEquals(Boolean.TRUE, args.get("style").required());
  }

  @Test
  void getGreetWithArgumentsRendersTheMessage() {
    GetPromptResult r =
        client.getPrompt(new GetPromptRequest("greet", Map.of("name", "Ada", "style", "formal")));
    assertEquals("A formal greeting for Ada", r.description());
    assertEquals(1, r.messages().size());
    assertEquals(McpSchema.Role.USER, r.messages().get(0).role());
    TextContent t = assertInstanceOf(TextContent.class, r.messages().get(0).content());
    assertEquals("Please write a courteous, formal greeting addressed to Ada.", t.text());
  }

  @Test
  void getGreetWithoutItsRequiredArgumentIsInvalidParams() {
    McpError e =
        assertThrows(
            McpError.class,
            () -> client.getPrompt(new GetPromptRequest("greet", Map.of("style", "casual"))));
    assertEquals(-32602, e.getJsonRpcError().code(), e.toString());
  }

  @Test
  void completionOfGreetStyleOffersTheMatchingStyles() {
    McpSchema.PromptReference greet = new McpSchema.PromptReference("greet");
    McpSchema.CompleteResult f =
        client.completeCompletion(
            new CompleteRequest(greet, new CompleteRequest.CompleteArgument("style", "f")));
    assertEquals(List.of("formal"), f.completion().values());

    McpSchema.CompleteResult all =
        client.completeCompletion(
            new CompleteRequest(greet, new CompleteRequest.CompleteArgument("style", "")));
    assertEquals(List.of("formal", "casual"), all.completion().values());
  }

  // ------------------------------------------------------------------ helpers

  CallToolResult call(String tool, Map<String, Object> args) {
    return client.callTool(new CallToolRequest(tool, args));
  }

  static String text(CallToolResult r) {
    assertFalse(r.content().isEmpty(), "no content in " + r);
    return assertInstanceOf(TextContent.class, r.content().get(0)).text();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> property(Map<String, Object> schema, String name) {
    Map<String, Object> props = (Map<String, Object>) schema.get("properties");
    assertNotNull(props, "no properties in " + schema);
    Map<String, Object> p = (Map<String, Object>) props.get(name);
    assertNotNull(p, "no property " + name + " in " + schema);
    return p;
  }

  List<ProgressNotification> awaitProgress(String token, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ProgressNotification> mine;
    do {
      mine = progress.stream().filter(p -> token.equals(p.progressToken())).toList();
      if (mine.size() >= count) {
        return mine;
      }
      ErlmcpServer.sleep(50);
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "expected " + count + " progress notifications for " + token + ", got " + mine);
  }

  static void assertNotEquals(Object unexpected, Object actual) {
    org.junit.jupiter.api.Assertions.assertNotEquals(unexpected, actual);
  }
}
