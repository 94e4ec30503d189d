package io.erlmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.RequestContext;
import io.erlmcp.runtime.server.ToolResult;
import io.erlmcp.runtime.session.SessionEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HelloServerTest {
  static final Duration TICK = Duration.ofMillis(40);
  static final McpServer server = HelloServer.create(TICK);
  static final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  TestClient client;

  @BeforeEach
  void connect() {
    client = new TestClient(server);
  }

  @AfterAll
  static void stopTimer() {
    timer.shutdownNow();
  }

  static String textOf(JsonNode toolResult) {
    return toolResult.path("content").path(0).path("text").asText();
  }

  @Test
  void initializeNamesTheServerAndGivesInstructions() {
    ObjectNode r = client.initializeResult;
    assertEquals("erlmcp-hello", r.path("serverInfo").path("name").asText());
    assertEquals("0.1.0", r.path("serverInfo").path("version").asText());
    assertEquals(HelloServer.INSTRUCTIONS, r.path("instructions").asText());
    assertTrue(r.path("capabilities").has("completions"));
  }

  @Test
  void echoIsListedWithTitleAndAnnotationsAndEchoes() {
    JsonNode tools = client.result("tools/list", "{}").get("tools");
    JsonNode echo =
        StreamSupport.stream(tools.spliterator(), false)
            .filter(t -> t.get("name").asText().equals("echo"))
            .findFirst()
            .orElseThrow();
    assertEquals("Echo", echo.path("title").asText());
    assertTrue(echo.path("annotations").path("readOnlyHint").asBoolean());
    assertEquals(
        "{\"content\":[{\"type\":\"text\",\"text\":\"hello, world\"}]}",
        client.call("echo", "{\"message\":\"hello, world\"}").toString());
  }

  @Test
  void addReturnsTextAndStructuredContent() {
    JsonNode r = client.call("add", "{\"a\":2,\"b\":3.5}");
    assertEquals(
        "{\"content\":[{\"type\":\"text\",\"text\":\"5.5\"}],\"structuredContent\":{\"sum\":5.5}}",
        r.toString());
    assertEquals("5", textOf(client.call("add", "{\"a\":2,\"b\":3}")));
    assertEquals("0", textOf(client.call("add", "{\"a\":-1.5,\"b\":1.5}")));
    JsonNode listed =
        StreamSupport.stream(client.result("tools/list", "{}").get("tools").spliterator(), false)
            .filter(t -> t.get("name").asText().equals("add"))
            .findFirst()
            .orElseThrow();
    assertEquals("number", listed.path("outputSchema").path("properties").path("sum")
        .path("type").asText());
  }

  @Test
  void addRejectsNonNumbersAsAToolError() {
    JsonNode r = client.call("add", "{\"a\":\"two\",\"b\":3}");
    assertTrue(r.path("isError").asBoolean(), r::toString);
  }

  @Test
  void countdownReportsProgressEachTickAndCompletes() {
    JsonNode r =
        client.result(
            "tools/call",
            "{\"name\":\"countdown\",\"arguments\":{\"seconds\":3},"
                + "\"_meta\":{\"progressToken\":\"cd\"}}");
    assertEquals("Liftoff after 3 s!", textOf(r));
    List<RecordingOutbound.Sent> progress = client.out.notifications("notifications/progress");
    assertEquals(3, progress.size());
    for (int i = 0; i < 3; i++) {
      JsonNode p = progress.get(i).params();
      assertEquals("cd", p.path("progressToken").asText());
      assertEquals(i + 1, p.path("progress").asDouble());
      assertEquals(3.0, p.path("total").asDouble());
    }
    assertEquals("Liftoff!", progress.get(2).params().path("message").asText());
  }

  @Test
  void countdownRejectsOutOfRangeSeconds() {
    assertTrue(client.call("countdown", "{\"seconds\":0}").path("isError").asBoolean());
    assertTrue(client.call("countdown", "{\"seconds\":61}").path("isError").asBoolean());
  }

  @Test
  void countdownCancelledMidwayStopsAndEndsWithCancellation() throws Exception {
    CancellationToken cancel = new CancellationToken();
    CompletableFuture<JsonRpcMessage> response =
        client.send(
            "tools/call",
            Json.parseObject(
                "{\"name\":\"countdown\",\"arguments\":{\"seconds\":50},"
                    + "\"_meta\":{\"progressToken\":7}}"),
            cancel);
    awaitProgress(client.out, 2);
    cancel.cancel("client cancelled");
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> response.get(5, TimeUnit.SECONDS));
    assertInstanceOf(CancellationException.class, e.getCause());
    int atCancel = client.out.notifications("notifications/progress").size();
    Thread.sleep(TICK.toMillis() * 5);
    assertEquals(atCancel, client.out.notifications("notifications/progress").size());
    assertTrue(atCancel < 50);
  }

  /**
   * The dispatcher already mutes progress after cancellation; this drives the handler directly
   * with a context that does not, to show that the ticking itself stops.
   */
  @Test
  void countdownTimerStopsOnCancellation() throws Exception {
    StubContext ctx = new StubContext();
    CompletableFuture<ToolResult> result =
        HelloServer.runCountdown(50, ctx, timer, TICK).toCompletableFuture();
    while (ctx.progress.size() < 2) {
      Thread.sleep(5);
    }
    ctx.cancellation().cancel("stop");
    assertTrue(result.isCancelled());
    int atCancel = ctx.progress.size();
    Thread.sleep(TICK.toMillis() * 5);
    assertTrue(ctx.progress.size() <= atCancel + 1, "a tick already running may finish");
    int settled = ctx.progress.size();
    Thread.sleep(TICK.toMillis() * 5);
    assertEquals(settled, ctx.progress.size());
  }

  @Test
  void countdownTimerStopsWhenTheHostCancelsItsFuture() throws Exception {
    StubContext ctx = new StubContext();
    CompletableFuture<ToolResult> result =
        HelloServer.runCountdown(50, ctx, timer, TICK).toCompletableFuture();
    while (ctx.progress.isEmpty()) {
      Thread.sleep(5);
    }
    result.cancel(true); // what the dispatcher does on cancellation or timeout
    Thread.sleep(TICK.toMillis() * 2);
    int settled = ctx.progress.size();
    Thread.sleep(TICK.toMillis() * 5);
    assertEquals(settled, ctx.progress.size());
  }

  private static void awaitProgress(RecordingOutbound out, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (out.notifications("notifications/progress").size() < n) {
      assertTrue(System.nanoTime() < deadline, "no progress");
      Thread.sleep(5);
    }
  }

  @Test
  void rememberThenRecallInTheSameSession() {
    assertEquals(
        "Remembered colour.",
        textOf(client.call("remember", "{\"key\":\"colour\",\"value\":\"teal\"}")));
    assertTrue(
        client.session.journal().stream()
            .anyMatch(ev -> ev instanceof SessionEvent.DataPut d && d.key().equals("colour")));
    JsonNode r = client.call("recall", "{\"key\":\"colour\"}");
    assertEquals("{\"content\":[{\"type\":\"text\",\"text\":\"teal\"}]}", r.toString());
    JsonNode other = new TestClient(server).call("recall", "{\"key\":\"colour\"}");
    assertTrue(other.path("isError").asBoolean(), "session data is per session");
  }

  @Test
  void recallOfAnUnknownKeyIsAToolError() {
    JsonNode r = client.call("recall", "{\"key\":\"nothing\"}");
    assertTrue(r.path("isError").asBoolean());
    assertEquals("Nothing remembered under nothing.", textOf(r));
  }

  @Test
  void greetingResourceAndProfileTemplate() {
    assertEquals(
        "{\"contents\":[{\"uri\":\"hello://greeting\",\"mimeType\":\"text/plain\","
            + "\"text\":\"Hello from erlmcp, an MCP server on Apache Pekko!\"}]}",
        client.result("resources/read", "{\"uri\":\"hello://greeting\"}").toString());
    assertEquals(
        "hello://users/{name}/profile",
        client.result("resources/templates/list", "{}")
            .path("resourceTemplates").path(0).path("uriTemplate").asText());
    JsonNode c =
        client.result("resources/read", "{\"uri\":\"hello://users/ada/profile\"}")
            .path("contents").path(0);
    assertEquals("application/json", c.path("mimeType").asText());
    assertEquals(
        "{\"name\":\"ada\",\"greeting\":\"Hello, ada!\",\"profileUri\":\"hello://users/ada/profile\"}",
        c.path("text").asText());
  }

  @Test
  void greetPromptInBothStyles() {
    JsonNode listed = client.result("prompts/list", "{}").path("prompts").path(0);
    assertEquals("greet", listed.path("name").asText());
    assertTrue(listed.path("arguments").path(0).path("required").asBoolean());
    assertFalse(listed.path("arguments").path(1).path("required").asBoolean());
    assertEquals(
        "{\"description\":\"A formal greeting for Ada\",\"messages\":[{\"role\":\"user\","
            + "\"content\":{\"type\":\"text\",\"text\":\"Please write a courteous, formal greeting"
            + " addressed to Ada.\"}}]}",
        client.result(
                "prompts/get",
                "{\"name\":\"greet\",\"arguments\":{\"name\":\"Ada\",\"style\":\"formal\"}}")
            .toString());
    JsonNode casual =
        client.result("prompts/get", "{\"name\":\"greet\",\"arguments\":{\"name\":\"Bo\"}}");
    assertEquals(
        "Say hi to Bo in a relaxed, friendly way.",
        casual.path("messages").path(0).path("content").path("text").asText());
  }

  @Test
  void greetPromptRejectsBadInput() {
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        client.error("prompts/get", "{\"name\":\"greet\",\"arguments\":{}}").code());
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        client.error(
                "prompts/get",
                "{\"name\":\"greet\",\"arguments\":{\"name\":\"A\",\"style\":\"rude\"}}")
            .code());
  }

  @Test
  void styleCompletion() {
    assertEquals(
        "{\"completion\":{\"values\":[\"formal\"],\"total\":1,\"hasMore\":false}}",
        client.result(
                "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},"
                    + "\"argument\":{\"name\":\"style\",\"value\":\"f\"}}")
            .toString());
    assertEquals(
        "[\"formal\",\"casual\"]",
        client.result(
                "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},"
                    + "\"argument\":{\"name\":\"style\",\"value\":\"\"}}")
            .path("completion").path("values").toString());
    assertEquals(
        "[]",
        client.result(
                "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},"
                    + "\"argument\":{\"name\":\"name\",\"value\":\"A\"}}")
            .path("completion").path("values").toString());
  }

  /** A context that records every progress call, muted or not. */
  static final class StubContext implements RequestContext {
    @Override
    public CompletionStage<JsonNode> pingClient(Duration timeout) {
      return CompletableFuture.completedFuture(Json.object());
    }

    final List<Double> progress = new CopyOnWriteArrayList<>();
    private final CancellationToken cancel = new CancellationToken();

    @Override
    public String sessionId() {
      return "stub";
    }

    @Override
    public ProtocolVersion protocolVersion() {
      return ProtocolVersion.V2025_11_25;
    }

    @Override
    public RequestId requestId() {
      return RequestId.of(1);
    }

    @Override
    public JsonNode meta() {
      return Json.object();
    }

    @Override
    public JsonNode clientInfo() {
      return Json.object();
    }

    @Override
    public JsonNode clientCapabilities() {
      return Json.object();
    }

    @Override
    public boolean clientSupports(String capability) {
      return false;
    }

    @Override
    public void progress(double p, Double total, String message) {
      progress.add(p);
    }

    @Override
    public void log(LogLevel level, String logger, JsonNode data) {}

    @Override
    public CompletionStage<JsonNode> createMessage(ObjectNode params, Duration timeout) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CompletionStage<JsonNode> elicit(ObjectNode params, Duration timeout) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CompletionStage<JsonNode> listRoots(Duration timeout) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CancellationToken cancellation() {
      return cancel;
    }

    @Override
    public Optional<JsonNode> sessionData(String key) {
      return Optional.empty();
    }

    @Override
    public CompletionStage<Void> putSessionData(String key, JsonNode value) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> removeSessionData(String key) {
      return CompletableFuture.completedFuture(null);
    }
  }
}
