package io.erlmcp.examples;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
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
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The friendly example of {@code make run} and the README: a few tools (including a long-running,
 * cancellable one with progress, and session memory), a resource, a resource template and a
 * prompt with argument completion.
 */
public final class HelloServer {
  private HelloServer() {}

  public static final String NAME = "erlmcp-hello";
  public static final String VERSION = "0.1.0";

  public static final String INSTRUCTIONS =
      "A friendly erlmcp example. Tools: echo a message, add two numbers, count down with"
          + " progress (cancel it whenever you like), remember and recall values for this"
          + " session. Read hello://greeting or hello://users/{name}/profile, and try the greet"
          + " prompt.";

  static final List<String> STYLES = List.of("formal", "casual");

  public static McpServer create() {
    return create(Duration.ofSeconds(1));
  }

  /** @param tick the countdown's second (tests shorten it) */
  static McpServer create(Duration tick) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(Delays.daemonThreads("hello-countdown"));
    return McpServer.builder(NAME, VERSION)
        .title("erlmcp hello")
        .instructions(INSTRUCTIONS)
        .tool(echo())
        .tool(add())
        .tool(countdown(timer, tick))
        .tool(remember())
        .tool(recall())
        .resource(greeting())
        .resourceTemplate(profile())
        .prompt(greet())
        .completer(HelloServer::complete)
        .build();
  }

  // ---------------------------------------------------------------- tools

  private static Tool echo() {
    return Tool.builder("echo")
        .title("Echo")
        .description("Returns the message it is given.")
        .inputSchema(
            """
            {"type":"object","properties":{"message":{"type":"string",\
            "description":"What to echo back"}},"required":["message"]}\
            """)
        .annotations(Json.object().put("readOnlyHint", true).put("openWorldHint", false))
        .syncHandler((args, ctx) -> ToolResult.text(args.path("message").asText()))
        .build();
  }

  private static Tool add() {
    return Tool.builder("add")
        .title("Add")
        .description("Adds two numbers.")
        .inputSchema(
            """
            {"type":"object","properties":{"a":{"type":"number"},"b":{"type":"number"}},\
            "required":["a","b"]}\
            """)
        .outputSchema(
            """
            {"type":"object","properties":{"sum":{"type":"number"}},"required":["sum"]}\
            """)
        .annotations(Json.object().put("readOnlyHint", true).put("openWorldHint", false))
        .syncHandler(
            (args, ctx) -> {
              BigDecimal sum = args.get("a").decimalValue().add(args.get("b").decimalValue());
              BigDecimal plain = sum.signum() == 0 ? BigDecimal.ZERO : sum.stripTrailingZeros();
              ObjectNode structured = Json.object().put("sum", plain);
              return new ToolResult(
                  List.of(Content.text(plain.toPlainString())), structured, false);
            })
        .build();
  }

  private static Tool countdown(ScheduledExecutorService timer, Duration tick) {
    return Tool.builder("countdown")
        .title("Countdown")
        .description(
            "Counts down the given number of seconds, reporting progress each second. Cancel it"
                + " to stop early.")
        .inputSchema(
            """
            {"type":"object","properties":{"seconds":{"type":"integer","minimum":1,\
            "maximum":60,"description":"How many seconds to count down"}},\
            "required":["seconds"]}\
            """)
        .annotations(Json.object().put("readOnlyHint", true).put("openWorldHint", false))
        .timeout(Duration.ofSeconds(90))
        .handler((args, ctx) -> runCountdown(args.get("seconds").asInt(), ctx, timer, tick))
        .build();
  }

  /** One tick per {@code tick} on the timer: no thread sleeps; stops at once on cancellation. */
  static CompletionStage<ToolResult> runCountdown(
      int seconds, RequestContext ctx, ScheduledExecutorService timer, Duration tick) {
    CompletableFuture<ToolResult> result = new CompletableFuture<>();
    AtomicInteger elapsed = new AtomicInteger();
    long period = tick.toMillis();
    ScheduledFuture<?> ticking =
        timer.scheduleAtFixedRate(
            () -> {
              if (result.isDone()) {
                return;
              }
              if (ctx.cancellation().isCancelled()) {
                result.cancel(false);
                return;
              }
              int n = elapsed.incrementAndGet();
              int left = seconds - n;
              ctx.progress(n, (double) seconds, left == 0 ? "Liftoff!" : left + " s left");
              if (left <= 0) {
                result.complete(ToolResult.text("Liftoff after " + seconds + " s!"));
              }
            },
            period,
            period,
            TimeUnit.MILLISECONDS);
    // However the call ends (done, cancelled, timed out), the timer stops.
    result.whenComplete((r, e) -> ticking.cancel(false));
    ctx.cancellation().onCancel(() -> result.cancel(false));
    return result;
  }

  private static Tool remember() {
    return Tool.builder("remember")
        .title("Remember")
        .description("Remembers a value under a key for the rest of this session.")
        .inputSchema(
            """
            {"type":"object","properties":{"key":{"type":"string","minLength":1},\
            "value":{"type":"string"}},"required":["key","value"]}\
            """)
        .handler(
            (args, ctx) -> {
              String key = args.get("key").asText();
              // Answers only once the value is durably stored.
              return ctx.putSessionData(key, args.get("value"))
                  .thenApply(v -> ToolResult.text("Remembered " + key + "."));
            })
        .build();
  }

  private static Tool recall() {
    return Tool.builder("recall")
        .title("Recall")
        .description("Recalls the value remembered under a key in this session.")
        .inputSchema(
            """
            {"type":"object","properties":{"key":{"type":"string","minLength":1}},\
            "required":["key"]}\
            """)
        .annotations(Json.object().put("readOnlyHint", true).put("openWorldHint", false))
        .syncHandler(
            (args, ctx) -> {
              String key = args.get("key").asText();
              return ctx.sessionData(key)
                  .map(v -> ToolResult.text(v.isTextual() ? v.asText() : v.toString()))
                  .orElseGet(() -> ToolResult.error("Nothing remembered under " + key + "."));
            })
        .build();
  }

  // ---------------------------------------------------------------- resources

  private static Resource greeting() {
    String uri = "hello://greeting";
    return new Resource(
        uri,
        "greeting",
        "Greeting",
        "A warm hello from erlmcp",
        "text/plain",
        null,
        (u, ctx) ->
            done(
                List.of(
                    ResourceContents.text(
                        uri, "text/plain", "Hello from erlmcp, an MCP server on Apache Pekko!"))));
  }

  private static ResourceTemplate profile() {
    return new ResourceTemplate(
        new UriTemplate("hello://users/{name}/profile"),
        "user-profile",
        "User profile",
        "A (made-up) profile of the named user",
        "application/json",
        (uri, vars, ctx) -> {
          String name = vars.get("name");
          ObjectNode p =
              Json.object()
                  .put("name", name)
                  .put("greeting", "Hello, " + name + "!")
                  .put("profileUri", uri);
          return done(List.of(ResourceContents.text(uri, "application/json", p.toString())));
        });
  }

  // ---------------------------------------------------------------- prompt

  private static Prompt greet() {
    return new Prompt(
        "greet",
        "Greet someone",
        "Asks the model to greet a person, formally or casually.",
        List.of(
            new Prompt.Argument("name", "Name", "Who to greet", true),
            new Prompt.Argument("style", "Style", "formal or casual (default casual)", false)),
        (args, ctx) -> {
          String name = args.get("name");
          String style = args.getOrDefault("style", "casual");
          String text =
              switch (style) {
                case "formal" -> "Please write a courteous, formal greeting addressed to " + name
                    + ".";
                case "casual" -> "Say hi to " + name + " in a relaxed, friendly way.";
                default -> throw JsonRpcException.invalidParams(
                    "style must be one of " + STYLES + ", not '" + style + "'");
              };
          return done(
              new Prompt.Result(
                  "A " + style + " greeting for " + name,
                  List.of(Prompt.Message.user(Content.text(text)))));
        });
  }

  private static CompletionStage<Completer.Result> complete(
      Completer.Request req, RequestContext ctx) {
    if ("ref/prompt".equals(req.refType())
        && "greet".equals(req.refName())
        && "style".equals(req.argumentName())) {
      return done(
          Completer.Result.of(STYLES.stream().filter(s -> s.startsWith(req.value())).toList()));
    }
    return done(Completer.Result.of(List.of()));
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
