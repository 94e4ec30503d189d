package io.erlmcp.examples;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The fixture tools of the conformance suite's tasks scenarios (SEP-2663, the tasks extension
 * of 2026-07-28; docs/tasks.md). Ordinary handlers: whether a call runs as a task is the
 * tool's {@link Tool.TaskSupport} and the client's choice, not the handler's. On 2025-11-25
 * the same tools serve task-augmented tools/call ({@code params.task}).
 */
final class TaskFixtures {
  private TaskFixtures() {}

  static final String SECONDS_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"seconds\":{\"type\":\"number\",\"minimum\":0},"
          + "\"label\":{\"type\":\"string\"}}}";
  static final String FILENAME_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"filename\":{\"type\":\"string\"}}}";
  static final String CONFIRM_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"confirm\":{\"type\":\"boolean\"}},"
          + "\"required\":[\"confirm\"]}";

  static List<Tool> tools() {
    return List.of(
        Tool.builder("greet")
            .description("Greets by name (never a task)")
            .inputSchema(StatelessFixtures.NAME_SCHEMA)
            .syncHandler(
                (args, ctx) -> ToolResult.text("Hello, " + args.path("name").asText() + "!"))
            .build(),
        Tool.builder("slow_compute")
            .description("Waits `seconds` seconds, then answers (a task when the client can)")
            .inputSchema(SECONDS_SCHEMA)
            .taskSupport(Tool.TaskSupport.OPTIONAL)
            .timeout(Duration.ofMinutes(5))
            .handler(
                (args, ctx) -> {
                  double seconds = args.path("seconds").asDouble(1);
                  String label = args.path("label").asText("compute");
                  return Delays.after((long) (seconds * 1000))
                      .thenApply(
                          v ->
                              ToolResult.text(
                                  "Computed " + label + " after " + fmt(seconds) + " s"));
                })
            .build(),
        Tool.builder("failing_job")
            .description("Always ends in a tool error after about a second (tasks only)")
            .taskSupport(Tool.TaskSupport.REQUIRED)
            .handler(
                (args, ctx) ->
                    Delays.after(1000)
                        .thenApply(v -> ToolResult.error("failing_job failed, as it always does")))
            .build(),
        Tool.builder("protocol_error_job")
            .description("Fails with a protocol error (the task ends failed)")
            .taskSupport(Tool.TaskSupport.OPTIONAL)
            .handler(
                (args, ctx) ->
                    Delays.after(200)
                        .<ToolResult>thenApply(
                            v -> {
                              throw new IllegalStateException("protocol_error_job crashed");
                            }))
            .build(),
        Tool.builder("confirm_delete")
            .description("Asks the user to confirm, then deletes (pretends to)")
            .inputSchema(FILENAME_SCHEMA)
            .taskSupport(Tool.TaskSupport.OPTIONAL)
            .handler(
                (args, ctx) -> {
                  String file = args.path("filename").asText("the file");
                  return ctx.elicit(
                          "confirm_delete",
                          StatelessFixtures.elicitParams("Delete " + file + "?", CONFIRM_SCHEMA),
                          null)
                      .thenApply(
                          r ->
                              ToolResult.text(
                                  confirmed(r) ? "Deleted " + file : "Kept " + file));
                })
            .build(),
        Tool.builder("multi_input")
            .description("Asks two questions at once")
            .taskSupport(Tool.TaskSupport.OPTIONAL)
            .handler(
                (args, ctx) -> {
                  CompletableFuture<JsonNode> name =
                      ctx.elicit(
                              "name",
                              StatelessFixtures.elicitParams(
                                  "What is your name?", StatelessFixtures.NAME_SCHEMA),
                              null)
                          .toCompletableFuture();
                  CompletableFuture<JsonNode> confirm =
                      ctx.elicit(
                              "confirm",
                              StatelessFixtures.elicitParams("Go ahead?", CONFIRM_SCHEMA),
                              null)
                          .toCompletableFuture();
                  return name.thenCombine(
                      confirm,
                      (n, c) ->
                          ToolResult.text(
                              "name="
                                  + n.path("content").path("name").asText()
                                  + ", confirmed="
                                  + confirmed(c)));
                })
            .build(),
        Tool.builder("test_tool_with_task")
            .description("Asks for a name first, then works on as a task")
            .taskSupport(Tool.TaskSupport.REQUIRED)
            .inputBeforeTask()
            .handler(
                (args, ctx) ->
                    ctx.elicit(
                            "user_name",
                            StatelessFixtures.elicitParams(
                                "What is your name?", StatelessFixtures.NAME_SCHEMA),
                            null)
                        .thenCompose(
                            r ->
                                Delays.after(500)
                                    .thenApply(
                                        v ->
                                            ToolResult.text(
                                                "Task done for "
                                                    + r.path("content").path("name").asText()))))
            .build());
  }

  private static boolean confirmed(JsonNode r) {
    return "accept".equals(r.path("action").asText())
        && r.path("content").path("confirm").asBoolean(false);
  }

  private static String fmt(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }
}
