package io.erlmcp.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Resource;
import io.erlmcp.runtime.server.ResourceContents;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The MCP server the transport tests run against, built with the runtime API:
 *
 * <ul>
 *   <li>{@code echo {text}}: returns the text;
 *   <li>{@code notify {count}}: logs {@code count} messages ("message 1".."message n"), then
 *       returns "done n";
 *   <li>{@code slow {ms}}: reports progress 1, 2, ... every 100 ms and completes after {@code ms}
 *       with "slow done"; cancellation stops it and is recorded in {@link #slowCancelled};
 *   <li>{@code stuck}: never completes; its own timeout is 500 ms; cancellation is recorded in
 *       {@link #slowCancelled} as "stuck id";
 *   <li>{@code sample {prompt}}: asks the client sampling/createMessage (configured timeout) and
 *       returns the text of its answer;
 *   <li>resources {@code test://a} and {@code test://b} (subscribable).
 * </ul>
 */
public final class TestServer {
  /** Request ids of slow calls that started, in order. */
  public final BlockingQueue<String> slowStarted = new LinkedBlockingQueue<>();
  /** Request ids of slow calls whose cancellation token fired. */
  public final BlockingQueue<String> slowCancelled = new LinkedBlockingQueue<>();

  final McpServer server;
  private final ScheduledExecutorService timer;

  TestServer(ScheduledExecutorService timer) {
    this.timer = timer;
    this.server =
        McpServer.builder("test-server", "1.0.0")
            .tool(
                Tool.builder("echo")
                    .inputSchema(
                        "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}}}")
                    .syncHandler((args, ctx) -> ToolResult.text(args.path("text").asText("")))
                    .build())
            .tool(
                Tool.builder("notify")
                    .syncHandler(
                        (args, ctx) -> {
                          int n = args.path("count").asInt(1);
                          for (int i = 1; i <= n; i++) {
                            ctx.log(LogLevel.INFO, "message " + i);
                          }
                          return ToolResult.text("done " + n);
                        })
                    .build())
            .tool(Tool.builder("slow").handler(this::slow).build())
            .tool(
                // Inline (no worker actor) but never answers by itself: cancellable by token.
                Tool.builder("waiter")
                    .execution(Tool.Execution.INLINE)
                    .handler(
                        (args, ctx) -> {
                          String id = ctx.requestId().toString();
                          ctx.cancellation().onCancel(() -> slowCancelled.add("waiter " + id));
                          slowStarted.add("waiter " + id);
                          return new CompletableFuture<ToolResult>();
                        })
                    .build())
            .tool(
                Tool.builder("stuck")
                    .timeout(java.time.Duration.ofMillis(500))
                    .handler(
                        (args, ctx) -> {
                          String id = ctx.requestId().toString();
                          ctx.cancellation().onCancel(() -> slowCancelled.add("stuck " + id));
                          return new CompletableFuture<ToolResult>();
                        })
                    .build())
            .tool(
                Tool.builder("sample")
                    .handler(
                        (args, ctx) -> {
                          ObjectNode params = Json.object();
                          params
                              .putArray("messages")
                              .addObject()
                              .put("role", "user")
                              .putObject("content")
                              .put("type", "text")
                              .put("text", args.path("prompt").asText("hi"));
                          params.put("maxTokens", 10);
                          return ctx.createMessage(params, null)
                              .thenApply(
                                  r ->
                                      ToolResult.text(
                                          "sampled: " + r.path("content").path("text").asText()));
                        })
                    .build())
            .resource(resource("test://a"))
            .resource(resource("test://b"))
            .build();
  }

  static TestServer create() {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "test-server-timer");
              t.setDaemon(true);
              return t;
            });
    return new TestServer(timer);
  }

  private static Resource resource(String uri) {
    return new Resource(
        uri,
        uri.substring(uri.lastIndexOf('/') + 1),
        null,
        null,
        "text/plain",
        null,
        (u, ctx) ->
            CompletableFuture.completedFuture(
                List.<ResourceContents>of(new ResourceContents.Text(u, "text/plain", "content of " + u))));
  }

  private CompletableFuture<ToolResult> slow(ObjectNode args, io.erlmcp.runtime.server.RequestContext ctx) {
    long ms = args.path("ms").asLong(1000);
    String id = ctx.requestId().toString();
    CompletableFuture<ToolResult> result = new CompletableFuture<>();
    AtomicInteger step = new AtomicInteger();
    AtomicReference<ScheduledFuture<?>> ticker = new AtomicReference<>();
    long start = System.nanoTime();
    ticker.set(
        timer.scheduleAtFixedRate(
            () -> {
              if (ctx.cancellation().isCancelled() || result.isDone()) {
                return;
              }
              int k = step.incrementAndGet();
              ctx.progress(k, null, "step " + k);
              if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) >= ms) {
                ticker.get().cancel(false);
                result.complete(ToolResult.text("slow done"));
              }
            },
            100,
            100,
            TimeUnit.MILLISECONDS));
    ctx.cancellation()
        .onCancel(
            () -> {
              ScheduledFuture<?> t = ticker.get();
              if (t != null) {
                t.cancel(false);
              }
              slowCancelled.add(id);
            });
    slowStarted.add(id);
    return result;
  }

  public static JsonNode textOf(JsonNode response) {
    return response.path("result").path("content").path(0).path("text");
  }
}
