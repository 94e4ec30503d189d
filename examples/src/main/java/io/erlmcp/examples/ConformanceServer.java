package io.erlmcp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.server.Completer;
import io.erlmcp.runtime.server.Content;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Prompt;
import io.erlmcp.runtime.server.RequestContext;
import io.erlmcp.runtime.server.Resource;
import io.erlmcp.runtime.server.ResourceContents;
import io.erlmcp.runtime.server.ResourceTemplate;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import io.erlmcp.runtime.server.UriTemplate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code conformance} example: exactly the fixture set that the official MCP conformance suite
 * ({@code @modelcontextprotocol/conformance}, 2025-11-25 requirement set) expects of a server.
 * Names, texts, schemas and constants are those of docs/interop/conformance-fixtures.md, section 3;
 * they are checked byte for byte, so do not "improve" them.
 */
public final class ConformanceServer {
  private ConformanceServer() {}

  public static final String NAME = "mcp-conformance-test-server";
  public static final String VERSION = "1.0.0";

  /** A 1x1 red pixel. */
  public static final String PNG =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

  /** A minimal WAV file. */
  public static final String WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

  public static final String WATCHED_URI = "test://watched-resource";

  /** How often the watched resource changes. */
  static final long WATCHED_PERIOD_MILLIS = 3000;

  /** The pause between the log and progress notifications of the tools that send them. */
  static final long STEP_MILLIS = 50;

  static final List<String> COMPLETION_VALUES = List.of("test", "testing", "tested");

  static final String JSON_SCHEMA_2020_12 =
      """
      {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",\
      "$defs":{"address":{"$anchor":"addressDef","type":"object",\
      "properties":{"street":{"type":"string"},"city":{"type":"string"}}}},\
      "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},\
      "contactMethod":{"type":"string","enum":["phone","email"]},"phone":{"type":"string"},\
      "email":{"type":"string"}},"allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],\
      "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},\
      "then":{"required":["phone"]},"else":{"required":["email"]},"additionalProperties":false}\
      """;

  static final String ELICITATION_SCHEMA =
      """
      {"type":"object","properties":{\
      "username":{"type":"string","description":"User's response"},\
      "email":{"type":"string","description":"User's email address"}},\
      "required":["username","email"]}\
      """;

  static final String SEP1034_MESSAGE = "Please review and update the form fields with defaults";

  static final String SEP1034_SCHEMA =
      """
      {"type":"object","properties":{\
      "name":{"type":"string","description":"User name","default":"John Doe"},\
      "age":{"type":"integer","description":"User age","default":30},\
      "score":{"type":"number","description":"User score","default":95.5},\
      "status":{"type":"string","description":"User status",\
      "enum":["active","inactive","pending"],"default":"active"},\
      "verified":{"type":"boolean","description":"Verification status","default":true}},\
      "required":[]}\
      """;

  static final String SEP1330_MESSAGE = "Please select options from the enum fields";

  static final String SEP1330_SCHEMA =
      """
      {"type":"object","properties":{\
      "untitledSingle":{"type":"string","description":"Select one option",\
      "enum":["option1","option2","option3"]},\
      "titledSingle":{"type":"string","description":"Select one option with titles",\
      "oneOf":[{"const":"value1","title":"First Option"},{"const":"value2","title":"Second Option"},\
      {"const":"value3","title":"Third Option"}]},\
      "legacyEnum":{"type":"string","description":"Select one option (legacy)",\
      "enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},\
      "untitledMulti":{"type":"array","description":"Select multiple options","minItems":1,\
      "maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},\
      "titledMulti":{"type":"array","description":"Select multiple options with titles",\
      "minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},\
      {"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},\
      "required":[]}\
      """;

  static final String RECONNECTION_TEXT =
      "Reconnection test completed successfully. If you received this, the client properly"
          + " reconnected after stream closure.";

  /**
   * Builds the server and starts the timer that changes {@code test://watched-resource} every 3 s
   * (on a daemon thread; it lives as long as the JVM).
   */
  public static McpServer create() {
    return create(Duration.ofMillis(WATCHED_PERIOD_MILLIS));
  }

  /** @param watchedPeriod how often the watched resource changes (tests shorten it) */
  static McpServer create(Duration watchedPeriod) {
    AtomicLong watchedVersion = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<McpServer> self =
        new java.util.concurrent.atomic.AtomicReference<>();
    McpServer.Builder builder =
        McpServer.builder(NAME, VERSION)
            .tool(simpleText())
            .tool(imageContent())
            .tool(audioContent())
            .tool(embeddedResource())
            .tool(multipleContentTypes())
            .tool(withLogging())
            .tool(withProgress())
            .tool(errorHandling())
            .tool(sampling())
            .tool(elicitation())
            .tool(elicitationSep1034())
            .tool(elicitationSep1330())
            .tool(jsonSchema202012())
            .tool(reconnection())
            .resource(staticText())
            .resource(staticBinary())
            .resource(watched(watchedVersion))
            .resourceTemplate(template())
            .prompt(simplePrompt())
            .prompt(promptWithArguments())
            .prompt(promptWithEmbeddedResource())
            .prompt(promptWithImage())
            .prompt(StatelessFixtures.inputRequiredPrompt())
            .completer(ConformanceServer::complete);
    StatelessFixtures.tools(self).forEach(builder::tool);
    TaskFixtures.tools().forEach(builder::tool);
    McpServer server = builder.build();
    self.set(server);
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(Delays.daemonThreads("conformance-watched"));
    timer.scheduleAtFixedRate(
        () -> {
          watchedVersion.incrementAndGet();
          server.resourceUpdated(WATCHED_URI);
        },
        watchedPeriod.toMillis(),
        watchedPeriod.toMillis(),
        TimeUnit.MILLISECONDS);
    return server;
  }

  // ---------------------------------------------------------------- tools

  private static Tool simpleText() {
    return Tool.builder("test_simple_text")
        .description("Tests simple text content response")
        .syncHandler((args, ctx) -> ToolResult.text("This is a simple text response for testing."))
        .build();
  }

  private static Tool imageContent() {
    return Tool.builder("test_image_content")
        .description("Tests image content response")
        .syncHandler((args, ctx) -> ToolResult.of(Content.image(PNG, "image/png")))
        .build();
  }

  private static Tool audioContent() {
    return Tool.builder("test_audio_content")
        .description("Tests audio content response")
        .syncHandler((args, ctx) -> ToolResult.of(Content.audio(WAV, "audio/wav")))
        .build();
  }

  private static Tool embeddedResource() {
    return Tool.builder("test_embedded_resource")
        .description("Tests embedded resource content response")
        .syncHandler(
            (args, ctx) ->
                ToolResult.of(
                    Content.resource(
                        ResourceContents.text(
                            "test://embedded-resource",
                            "text/plain",
                            "This is an embedded resource content."))))
        .build();
  }

  private static Tool multipleContentTypes() {
    return Tool.builder("test_multiple_content_types")
        .description("Tests response with multiple content types (text, image, resource)")
        .syncHandler(
            (args, ctx) ->
                ToolResult.of(
                    Content.text("Multiple content types test:"),
                    Content.image(PNG, "image/png"),
                    Content.resource(
                        ResourceContents.text(
                            "test://mixed-content-resource",
                            "application/json",
                            "{\"test\":\"data\",\"value\":123}"))))
        .build();
  }

  private static Tool withLogging() {
    return Tool.builder("test_tool_with_logging")
        .description("Tests tool that emits log messages during execution")
        .handler(
            (args, ctx) -> {
              ctx.log(LogLevel.INFO, "Tool execution started");
              return Delays.after(STEP_MILLIS)
                  .thenRun(() -> ctx.log(LogLevel.INFO, "Tool processing data"))
                  .thenCompose(v -> Delays.after(STEP_MILLIS))
                  .thenApply(
                      v -> {
                        ctx.log(LogLevel.INFO, "Tool execution completed");
                        return ToolResult.text("Tool with logging executed successfully");
                      });
            })
        .build();
  }

  private static Tool withProgress() {
    return Tool.builder("test_tool_with_progress")
        .description("Tests tool that reports progress notifications")
        .handler(
            (args, ctx) -> {
              // ctx.progress sends nothing when the request carried no token.
              step(ctx, 0);
              return Delays.after(STEP_MILLIS)
                  .thenRun(() -> step(ctx, 50))
                  .thenCompose(v -> Delays.after(STEP_MILLIS))
                  .thenApply(
                      v -> {
                        step(ctx, 100);
                        JsonNode token = ctx.meta().get("progressToken");
                        return ToolResult.text(
                            token == null || token.isNull() ? "no progress token" : token.asText());
                      });
            })
        .build();
  }

  private static void step(RequestContext ctx, int progress) {
    ctx.progress(progress, 100.0, "Completed step " + progress + " of 100");
  }

  private static Tool errorHandling() {
    return Tool.builder("test_error_handling")
        .description("Tests error response handling")
        .syncHandler(
            (args, ctx) -> ToolResult.error("This tool intentionally returns an error for testing"))
        .build();
  }

  private static Tool sampling() {
    return Tool.builder("test_sampling")
        .description("Tests server-initiated sampling (LLM completion request)")
        .inputSchema(
            """
            {"type":"object","properties":{"prompt":{"type":"string",\
            "description":"The prompt to send to the LLM"}},"required":["prompt"]}\
            """)
        .handler(
            (args, ctx) -> {
              ObjectNode params = Json.object();
              ObjectNode message = params.putArray("messages").addObject().put("role", "user");
              message
                  .putObject("content")
                  .put("type", "text")
                  .put("text", args.path("prompt").asText());
              params.put("maxTokens", 100);
              return ctx.createMessage(params, null)
                  .handle(
                      (r, err) -> {
                        if (err != null) {
                          return ToolResult.text(
                              "Sampling not supported or error: " + messageOf(err));
                        }
                        String text = r.path("content").path("text").asText("");
                        return ToolResult.text(
                            "LLM response: " + (text.isEmpty() ? "No response" : text));
                      });
            })
        .build();
  }

  private static Tool elicitation() {
    return Tool.builder("test_elicitation")
        .description("Tests server-initiated elicitation (user input request)")
        .inputSchema(
            """
            {"type":"object","properties":{"message":{"type":"string",\
            "description":"The message to show the user"}},"required":["message"]}\
            """)
        .handler(
            (args, ctx) -> {
              ObjectNode params = Json.object().put("message", args.path("message").asText());
              params.set("requestedSchema", Json.parseObject(ELICITATION_SCHEMA));
              return elicit(ctx, params, "User response");
            })
        .build();
  }

  private static Tool elicitationSep1034() {
    return Tool.builder("test_elicitation_sep1034_defaults")
        .description("Tests elicitation with default values per SEP-1034")
        .handler(
            (args, ctx) -> {
              ObjectNode params = Json.object().put("message", SEP1034_MESSAGE);
              params.set("requestedSchema", Json.parseObject(SEP1034_SCHEMA));
              return elicit(ctx, params, "Elicitation completed");
            })
        .build();
  }

  private static Tool elicitationSep1330() {
    return Tool.builder("test_elicitation_sep1330_enums")
        .description("Tests elicitation with enum schema improvements per SEP-1330")
        .handler(
            (args, ctx) -> {
              ObjectNode params = Json.object().put("message", SEP1330_MESSAGE);
              params.set("requestedSchema", Json.parseObject(SEP1330_SCHEMA));
              return elicit(ctx, params, "Elicitation completed");
            })
        .build();
  }

  /** Sends {@code elicitation/create} and reports the answer as "{prefix}: action=…, content=…". */
  private static CompletionStage<ToolResult> elicit(
      RequestContext ctx, ObjectNode params, String prefix) {
    return ctx.elicit(params, null)
        .handle(
            (r, err) -> {
              if (err != null) {
                return ToolResult.text("Elicitation not supported or error: " + messageOf(err));
              }
              JsonNode content = r.get("content");
              String json = content == null || content.isNull() ? "{}" : content.toString();
              return ToolResult.text(
                  prefix + ": action=" + r.path("action").asText() + ", content=" + json);
            });
  }

  private static Tool jsonSchema202012() {
    return Tool.builder("json_schema_2020_12_tool")
        .description("Tool with JSON Schema 2020-12 features")
        .inputSchema(Json.parseObject(JSON_SCHEMA_2020_12))
        .syncHandler(
            (args, ctx) -> ToolResult.text("JSON Schema 2020-12 tool called with: " + args))
        .build();
  }

  private static Tool reconnection() {
    // The server-side stream close of server-sse-polling is a transport concern; the tool itself
    // only answers.
    return Tool.builder("test_reconnection")
        .description(
            "Tests SSE stream disconnection and client reconnection (SEP-1699). Server will close"
                + " the stream mid-call and send the result after client reconnects.")
        .syncHandler((args, ctx) -> ToolResult.text(RECONNECTION_TEXT))
        .build();
  }

  private static String messageOf(Throwable err) {
    Throwable c = err;
    while (c instanceof CompletionException && c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
  }

  // ---------------------------------------------------------------- resources

  private static Resource staticText() {
    String uri = "test://static-text";
    return new Resource(
        uri,
        "static-text",
        "Static Text Resource",
        "A static text resource for testing",
        "text/plain",
        null,
        (u, ctx) ->
            done(
                List.of(
                    ResourceContents.text(
                        uri, "text/plain", "This is the content of the static text resource."))));
  }

  private static Resource staticBinary() {
    String uri = "test://static-binary";
    return new Resource(
        uri,
        "static-binary",
        "Static Binary Resource",
        "A static binary resource (image) for testing",
        "image/png",
        null,
        (u, ctx) -> done(List.of(new ResourceContents.Blob(uri, "image/png", PNG))));
  }

  private static Resource watched(AtomicLong version) {
    return new Resource(
        WATCHED_URI,
        "watched-resource",
        "Watched Resource",
        "A resource that auto-updates every 3 seconds",
        "text/plain",
        null,
        (u, ctx) ->
            done(List.of(ResourceContents.text(WATCHED_URI, "text/plain", watchedText(version)))));
  }

  static String watchedText(AtomicLong version) {
    return "Watched resource content (update " + version.get() + ")";
  }

  private static ResourceTemplate template() {
    return new ResourceTemplate(
        new UriTemplate("test://template/{id}/data"),
        "template",
        "Resource Template",
        "A resource template with parameter substitution",
        "application/json",
        (uri, vars, ctx) -> {
          String id = vars.get("id");
          ObjectNode data =
              Json.object().put("id", id).put("templateTest", true).put("data", "Data for ID: " + id);
          return done(List.of(ResourceContents.text(uri, "application/json", data.toString())));
        });
  }

  // ---------------------------------------------------------------- prompts

  private static Prompt simplePrompt() {
    return new Prompt(
        "test_simple_prompt",
        "Simple Test Prompt",
        "A simple prompt without arguments",
        List.of(),
        (args, ctx) ->
            done(
                new Prompt.Result(
                    null,
                    List.of(
                        Prompt.Message.user(
                            Content.text("This is a simple prompt for testing."))))));
  }

  private static Prompt promptWithArguments() {
    return new Prompt(
        "test_prompt_with_arguments",
        "Prompt With Arguments",
        "A prompt with required arguments",
        List.of(
            new Prompt.Argument("arg1", null, "First test argument", true),
            new Prompt.Argument("arg2", null, "Second test argument", true)),
        (args, ctx) ->
            done(
                new Prompt.Result(
                    null,
                    List.of(
                        Prompt.Message.user(
                            Content.text(
                                "Prompt with arguments: arg1='"
                                    + args.get("arg1")
                                    + "', arg2='"
                                    + args.get("arg2")
                                    + "'"))))));
  }

  private static Prompt promptWithEmbeddedResource() {
    return new Prompt(
        "test_prompt_with_embedded_resource",
        "Prompt With Embedded Resource",
        "A prompt that includes an embedded resource",
        List.of(new Prompt.Argument("resourceUri", null, "URI of the resource to embed", true)),
        (args, ctx) ->
            done(
                new Prompt.Result(
                    null,
                    List.of(
                        Prompt.Message.user(
                            Content.resource(
                                ResourceContents.text(
                                    args.get("resourceUri"),
                                    "text/plain",
                                    "Embedded resource content for testing."))),
                        Prompt.Message.user(
                            Content.text("Please process the embedded resource above."))))));
  }

  private static Prompt promptWithImage() {
    return new Prompt(
        "test_prompt_with_image",
        "Prompt With Image",
        "A prompt that includes image content",
        List.of(),
        (args, ctx) ->
            done(
                new Prompt.Result(
                    null,
                    List.of(
                        Prompt.Message.user(Content.image(PNG, "image/png")),
                        Prompt.Message.user(Content.text("Please analyze the image above."))))));
  }

  // ---------------------------------------------------------------- completion

  private static CompletionStage<Completer.Result> complete(
      Completer.Request req, RequestContext ctx) {
    if ("ref/prompt".equals(req.refType())
        && "test_prompt_with_arguments".equals(req.refName())
        && (req.argumentName().equals("arg1") || req.argumentName().equals("arg2"))) {
      return done(
          Completer.Result.of(
              COMPLETION_VALUES.stream().filter(s -> s.startsWith(req.value())).toList()));
    }
    return done(Completer.Result.of(List.of()));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
