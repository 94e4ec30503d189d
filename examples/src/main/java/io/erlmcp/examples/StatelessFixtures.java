package io.erlmcp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.server.Content;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Prompt;
import io.erlmcp.runtime.server.RequestContext;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fixture tools and prompt the 2026-07-28 conformance scenarios call (server-stateless and
 * the input-required-result family; docs/interop/conformance-fixtures.md 3.7). They are ordinary
 * handlers: the same code asks the client through a server-to-client request on a session
 * revision and through an input_required result on 2026-07-28.
 */
final class StatelessFixtures {
  private StatelessFixtures() {}

  static final String NAME_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}},\"required\":[\"name\"]}";

  static List<Tool> tools(AtomicReference<McpServer> server) {
    List<Tool> tools = new ArrayList<>();
    tools.add(
        Tool.builder("test_missing_capability")
            .description("Needs the client's sampling capability (refused -32021 without it)")
            .handler(
                (args, ctx) ->
                    ctx.createMessage(samplingParams("Say hello", 20), null)
                        .thenApply(r -> ToolResult.text("Sampled: " + sampledText(r))))
            .build());
    tools.add(
        Tool.builder("test_logging_tool")
            .description("Logs three messages (sent only when the request's _meta sets a logLevel)")
            .syncHandler(
                (args, ctx) -> {
                  ctx.log(LogLevel.INFO, "logging tool started");
                  ctx.log(LogLevel.WARNING, "logging tool warning");
                  ctx.log(LogLevel.INFO, "logging tool done");
                  return ToolResult.text("Logged three messages");
                })
            .build());
    tools.add(
        Tool.builder("test_trigger_tool_change")
            .description("Changes the tool list (adds and removes a temporary tool)")
            .syncHandler(
                (args, ctx) -> {
                  McpServer s = server.get();
                  s.addTool(
                      Tool.builder("test_temporary_tool")
                          .description("Exists only while test_trigger_tool_change runs")
                          .syncHandler((a, c) -> ToolResult.text("temporary"))
                          .build());
                  s.removeTool("test_temporary_tool");
                  return ToolResult.text("Tool list changed");
                })
            .build());
    tools.add(
        Tool.builder("test_trigger_prompt_change")
            .description("Changes the prompt list (adds and removes a temporary prompt)")
            .syncHandler(
                (args, ctx) -> {
                  McpServer s = server.get();
                  s.addPrompt(
                      new Prompt(
                          "test_temporary_prompt",
                          null,
                          "Exists only while test_trigger_prompt_change runs",
                          List.of(),
                          (a, c) ->
                              CompletableFuture.completedFuture(
                                  new Prompt.Result(
                                      null, List.of(Prompt.Message.user(Content.text("tmp")))))));
                  s.removePrompt("test_temporary_prompt");
                  return ToolResult.text("Prompt list changed");
                })
            .build());
    tools.add(
        Tool.builder("test_streaming_elicitation")
            .description("Asks the user a question mid-call (input_required on 2026-07-28)")
            .handler(
                (args, ctx) -> {
                  ctx.progress(0, 1.0, "asking the user");
                  return ctx.elicit("user_name", elicitParams("What is your name?", NAME_SCHEMA), null)
                      .thenApply(r -> ToolResult.text("Hello, " + r.path("content").path("name").asText() + "!"));
                })
            .build());
    tools.add(
        Tool.builder("test_input_required_result_elicitation")
            .description("Asks for the user's name")
            .handler((args, ctx) -> greet(ctx, "user_name", "What is your name?"))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_sampling")
            .description("Asks the client's model a question")
            .handler(
                (args, ctx) ->
                    ctx.createMessage(
                            "capital_question",
                            samplingParams("What is the capital of France?", 100),
                            null)
                        .thenApply(r -> ToolResult.text("Model answered: " + sampledText(r))))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_list_roots")
            .description("Asks the client for its roots")
            .handler(
                (args, ctx) ->
                    ctx.listRoots("client_roots", null)
                        .thenApply(r -> ToolResult.text("Client roots: " + r.path("roots"))))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_request_state")
            .description("Asks for a confirmation; the retry carries the sealed request state")
            .handler(
                (args, ctx) ->
                    ctx.elicit("confirm", elicitParams("Please confirm", OK_SCHEMA), null)
                        .thenApply(
                            r ->
                                ToolResult.text(
                                    "state-ok: confirmed="
                                        + r.path("content").path("ok").asBoolean(false))))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_tampered_state")
            .description("Asks for a confirmation; an altered request state is refused")
            .handler(
                (args, ctx) ->
                    ctx.elicit("confirm", elicitParams("Please confirm", OK_SCHEMA), null)
                        .thenApply(r -> ToolResult.text("state-ok")))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_multiple_inputs")
            .description("Asks for a name, a model greeting and the roots at once")
            .handler(
                (args, ctx) -> {
                  // All three asked before any answer is awaited: one round trip for all.
                  CompletableFuture<JsonNode> name =
                      ctx.elicit("user_name", elicitParams("What is your name?", NAME_SCHEMA), null)
                          .toCompletableFuture();
                  CompletableFuture<JsonNode> greeting =
                      ctx.createMessage("greeting", samplingParams("Generate a greeting", 50), null)
                          .toCompletableFuture();
                  CompletableFuture<JsonNode> roots =
                      ctx.listRoots("client_roots", null).toCompletableFuture();
                  return CompletableFuture.allOf(name, greeting, roots)
                      .thenApply(
                          v ->
                              ToolResult.text(
                                  "name="
                                      + name.join().path("content").path("name").asText()
                                      + ", greeting="
                                      + sampledText(greeting.join())
                                      + ", roots="
                                      + roots.join().path("roots").size()));
                })
            .build());
    tools.add(
        Tool.builder("test_input_required_result_multi_round")
            .description("Asks two questions, one round trip each")
            .handler(
                (args, ctx) ->
                    ctx.elicit("step1", elicitParams("Step 1: What is your name?", NAME_SCHEMA), null)
                        .thenCompose(
                            first ->
                                ctx.elicit(
                                        "step2",
                                        elicitParams(
                                            "Step 2: What is your favorite color?", COLOR_SCHEMA),
                                        null)
                                    .thenApply(
                                        second ->
                                            ToolResult.text(
                                                first.path("content").path("name").asText()
                                                    + " likes "
                                                    + second
                                                        .path("content")
                                                        .path("color")
                                                        .asText()))))
            .build());
    tools.add(
        Tool.builder("test_custom_header")
            .description("Echoes its region, which the client mirrors in the Mcp-Param-Region header")
            .inputSchema(
                "{\"type\":\"object\",\"properties\":{\"region\":{\"type\":\"string\","
                    + "\"x-mcp-header\":\"Region\"}}}")
            .syncHandler(
                (args, ctx) -> ToolResult.text("region=" + args.path("region").asText("(none)")))
            .build());
    tools.add(
        Tool.builder("test_input_required_result_capabilities")
            .description("Asks only through the capabilities the client declared")
            .handler(StatelessFixtures::askWhatTheClientSupports)
            .build());
    return tools;
  }

  static Prompt inputRequiredPrompt() {
    return new Prompt(
        "test_input_required_result_prompt",
        "Input-required prompt",
        "A prompt that asks the user for context before rendering",
        List.of(),
        (args, ctx) ->
            ctx.elicit(
                    "user_context",
                    elicitParams("What context should the prompt use?", CONTEXT_SCHEMA),
                    null)
                .thenApply(
                    r ->
                        new Prompt.Result(
                            null,
                            List.of(
                                Prompt.Message.user(
                                    Content.text(
                                        "Context: "
                                            + r.path("content").path("context").asText()))))));
  }

  static final String OK_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}},\"required\":[\"ok\"]}";
  static final String COLOR_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"color\":{\"type\":\"string\"}},\"required\":[\"color\"]}";
  static final String CONTEXT_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"context\":{\"type\":\"string\"}},"
          + "\"required\":[\"context\"]}";

  private static CompletionStage<ToolResult> greet(RequestContext ctx, String key, String q) {
    return ctx.elicit(key, elicitParams(q, NAME_SCHEMA), null)
        .thenApply(r -> ToolResult.text("Hello, " + r.path("content").path("name").asText() + "!"));
  }

  private static CompletionStage<ToolResult> askWhatTheClientSupports(
      ObjectNode args, RequestContext ctx) {
    List<CompletableFuture<JsonNode>> asked = new ArrayList<>();
    if (ctx.clientSupports("elicitation")) {
      asked.add(
          ctx.elicit("user_name", elicitParams("What is your name?", NAME_SCHEMA), null)
              .toCompletableFuture());
    }
    if (ctx.clientSupports("sampling")) {
      asked.add(
          ctx.createMessage("greeting", samplingParams("Generate a greeting", 50), null)
              .toCompletableFuture());
    }
    if (ctx.clientSupports("roots")) {
      asked.add(ctx.listRoots("client_roots", null).toCompletableFuture());
    }
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
        .thenApply(v -> ToolResult.text("Answers received: " + asked.size()));
  }

  static ObjectNode elicitParams(String message, String schema) {
    ObjectNode p = Json.object().put("message", message);
    p.set("requestedSchema", Json.parseObject(schema));
    return p;
  }

  static ObjectNode samplingParams(String text, int maxTokens) {
    ObjectNode p = Json.object();
    ObjectNode m = p.putArray("messages").addObject().put("role", "user");
    m.putObject("content").put("type", "text").put("text", text);
    p.put("maxTokens", maxTokens);
    return p;
  }

  private static String sampledText(JsonNode r) {
    return r.path("content").path("text").asText("");
  }
}
