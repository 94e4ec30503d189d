package io.erlmcp.runtime.server;

import static io.erlmcp.runtime.server.DispatcherHarness.callParams;
import static io.erlmcp.runtime.server.DispatcherHarness.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.protocol.LogLevel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What handlers can do through their {@link RequestContext} while a request runs. */
class McpDispatcherRequestContextTest {

  private static McpServer serverWith(Tool... tools) {
    McpServer.Builder b = McpServer.builder("srv", "1");
    for (Tool t : tools) {
      b.tool(t);
    }
    return b.build();
  }

  // ------------------------------------------------------------ progress

  private static final Tool PROGRESSING =
      Tool.builder("work").syncHandler((a, c) -> {
        c.progress(1, 3.0, "first");
        c.progress(2, null, null);
        return ToolResult.text("done");
      }).build();

  private static ObjectNode withProgressToken(JsonNode token) {
    ObjectNode p = callParams("work", "{}");
    p.putObject("_meta").set("progressToken", token);
    return p;
  }

  @Test
  void aProgressTokenMakesProgressNotificationsWithMessagesFrom20250326() {
    DispatcherHarness h = new DispatcherHarness(serverWith(PROGRESSING), "2025-03-26");
    h.result("tools/call", withProgressToken(Json.NODES.textNode("tok-1")));
    List<DispatcherHarness.Sent> sent = h.out.notificationsOf("notifications/progress");
    assertEquals(2, sent.size());
    JsonNode first = sent.get(0).params();
    assertEquals("tok-1", first.get("progressToken").asText());
    assertEquals(1.0, first.get("progress").asDouble());
    assertEquals(3.0, first.get("total").asDouble());
    assertEquals("first", first.get("message").asText());
    assertFalse(sent.get(1).params().has("total"));
    assertFalse(sent.get(1).params().has("message"));
  }

  @Test
  void progressOf20241105CarriesNoMessage() {
    DispatcherHarness h = new DispatcherHarness(serverWith(PROGRESSING), "2024-11-05");
    h.result("tools/call", withProgressToken(Json.NODES.numberNode(7)));
    List<DispatcherHarness.Sent> sent = h.out.notificationsOf("notifications/progress");
    assertEquals(2, sent.size());
    assertEquals(7, sent.get(0).params().get("progressToken").asInt());
    assertFalse(sent.get(0).params().has("message"));
  }

  @Test
  void withoutAProgressTokenNoProgressIsSent() {
    DispatcherHarness h = new DispatcherHarness(serverWith(PROGRESSING), "2025-06-18");
    h.result("tools/call", callParams("work", "{}"));
    assertTrue(h.out.notifications.isEmpty());
  }

  @Test
  void aProgressTokenOfTheWrongKindIsIgnored() {
    DispatcherHarness h = new DispatcherHarness(serverWith(PROGRESSING), "2025-06-18");
    h.result("tools/call", withProgressToken(obj("{\"x\":1}")));
    h.result("tools/call", withProgressToken(Json.NODES.numberNode(1.5)));
    assertTrue(h.out.notifications.isEmpty());
  }

  // ------------------------------------------------------------ logging

  private static final Tool LOGGER =
      Tool.builder("log").syncHandler((a, c) -> {
        for (LogLevel l : LogLevel.values()) {
          c.log(l, "L", Json.NODES.textNode(l.wireName()));
        }
        return ToolResult.text("logged");
      }).build();

  private static List<String> loggedLevels(DispatcherHarness h) {
    return h.out.notificationsOf("notifications/message").stream()
        .map(n -> n.params().get("level").asText()).toList();
  }

  @Test
  void beforeSetLevelEveryLevelReachesTheClient() {
    DispatcherHarness h = new DispatcherHarness(serverWith(LOGGER), "2025-06-18");
    h.result("tools/call", callParams("log", "{}"));
    assertEquals(
        List.of("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"),
        loggedLevels(h));
    JsonNode first = h.out.notificationsOf("notifications/message").get(0).params();
    assertEquals("L", first.get("logger").asText());
    assertEquals("debug", first.get("data").asText());
  }

  @Test
  void afterSetLevelWarningOnlyWarningAndAboveReachTheClient() {
    DispatcherHarness h = new DispatcherHarness(serverWith(LOGGER), "2025-06-18");
    assertEquals(0, h.result("logging/setLevel", obj("{\"level\":\"warning\"}")).size());
    assertEquals(LogLevel.WARNING, h.session.state().logLevel());
    h.result("tools/call", callParams("log", "{}"));
    assertEquals(List.of("warning", "error", "critical", "alert", "emergency"), loggedLevels(h));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"level\":\"verbose\"}", "{\"level\":\"WARNING\"}", "{\"level\":3}", "{}"})
  void anUnknownOrMissingLogLevelIsInvalidParams(String params) {
    DispatcherHarness h = new DispatcherHarness(serverWith(LOGGER), "2025-06-18");
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("logging/setLevel", obj(params)).code());
    assertEquals(null, h.session.state().logLevel());
  }

  @Test
  void loggingSetLevelWorksWithoutAnyCatalog() {
    DispatcherHarness h = new DispatcherHarness(McpServer.builder("s", "1").build(), "2024-11-05");
    h.result("logging/setLevel", obj("{\"level\":\"error\"}"));
    assertEquals(LogLevel.ERROR, h.session.state().logLevel());
  }

  // ------------------------------------------------------------ sampling, roots, elicitation

  /** A tool that asks the client via {@code ask} and returns the answer as text. */
  private static Tool asking(String name, java.util.function.Function<RequestContext, java.util.concurrent.CompletionStage<JsonNode>> ask) {
    return Tool.builder(name).handler((a, c) -> ask.apply(c).thenApply(r -> ToolResult.text(r.toString()))).build();
  }

  private static final Tool SAMPLE = asking("sample",
      c -> c.createMessage(obj("{\"messages\":[],\"maxTokens\":10}"), Duration.ofSeconds(2)));
  private static final Tool ROOTS = asking("roots", c -> c.listRoots(null));
  private static final Tool ELICIT_FORM = asking("form",
      c -> c.elicit(obj("{\"message\":\"name?\",\"requestedSchema\":{\"type\":\"object\"}}"), null));
  private static final Tool ELICIT_URL = asking("url",
      c -> c.elicit(obj("{\"mode\":\"url\",\"url\":\"https://example.com/x\",\"message\":\"go\"}"), null));

  private static DispatcherHarness askingHarness(String version, String caps) {
    DispatcherHarness h = new DispatcherHarness(
        serverWith(SAMPLE, ROOTS, ELICIT_FORM, ELICIT_URL),
        new McpDispatcher.Settings(50, Duration.ofSeconds(5), Duration.ofSeconds(3)),
        version, obj(caps));
    h.out.answer = s -> CompletableFuture.completedFuture(obj("{\"answer\":\"" + s.method() + "\"}"));
    return h;
  }

  @Test
  void samplingWithoutTheClientCapabilityFailsTheHandlersStageAndSaysSo() {
    DispatcherHarness h = askingHarness("2025-06-18", "{\"roots\":{}}");
    JsonRpcError e = h.error("tools/call", callParams("sample", "{}"));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertTrue(e.message().contains("sampling"), e.message());
    assertTrue(h.out.requests.isEmpty());
  }

  @Test
  void samplingWithTheCapabilityReachesTheClientAndTheHandlerGetsTheAnswer() {
    DispatcherHarness h = askingHarness("2025-06-18", "{\"sampling\":{}}");
    ObjectNode r = h.result("tools/call", callParams("sample", "{}"));
    assertEquals("{\"answer\":\"sampling/createMessage\"}", r.path("content").path(0).path("text").asText());
    assertEquals(1, h.out.requests.size());
    DispatcherHarness.Sent s = h.out.requests.get(0);
    assertEquals("sampling/createMessage", s.method());
    assertEquals(10, s.params().get("maxTokens").asInt());
    assertEquals(Duration.ofSeconds(2), s.timeout());
  }

  @Test
  void rootsWithoutTheCapabilityFailAndWithItUseTheDefaultClientTimeout() {
    assertTrue(askingHarness("2025-06-18", "{}").error("tools/call", callParams("roots", "{}"))
        .message().contains("roots"));
    DispatcherHarness h = askingHarness("2025-06-18", "{\"roots\":{\"listChanged\":true}}");
    ObjectNode r = h.result("tools/call", callParams("roots", "{}"));
    assertTrue(r.path("content").path(0).path("text").asText().contains("roots/list"));
    assertEquals("roots/list", h.out.requests.get(0).method());
    assertEquals(Duration.ofSeconds(3), h.out.requests.get(0).timeout());
  }

  @Test
  void aClientErrorToAServerRequestReachesTheHandler() {
    DispatcherHarness h = askingHarness("2025-06-18", "{\"sampling\":{}}");
    JsonRpcError refused = JsonRpcError.of(-1, "User rejected sampling request");
    h.out.answer = s -> CompletableFuture.failedFuture(new JsonRpcException(refused));
    assertEquals(refused, h.error("tools/call", callParams("sample", "{}")));
  }

  @Test
  void aClientThatNeverAnswersIsAnInternalError() {
    DispatcherHarness h = askingHarness("2025-06-18", "{\"sampling\":{}}");
    h.out.answer = s -> CompletableFuture.failedFuture(new TimeoutException());
    CancellationToken token = new CancellationToken();
    JsonRpcMessage m = DispatcherHarness.await(h.start("tools/call", callParams("sample", "{}"), token));
    assertEquals(JsonRpcError.INTERNAL_ERROR, DispatcherHarness.errorOf(m).code());
    assertFalse(token.isCancelled(), "a client's timeout is not the request's cancellation");
  }

  @Test
  void formElicitationNeedsTheCapability() {
    assertTrue(askingHarness("2025-06-18", "{\"sampling\":{}}")
        .error("tools/call", callParams("form", "{}")).message().contains("elicitation"));
    DispatcherHarness h = askingHarness("2025-06-18", "{\"elicitation\":{}}");
    h.result("tools/call", callParams("form", "{}"));
    assertEquals("elicitation/create", h.out.requests.get(0).method());
  }

  @Test
  void elicitationIsUnavailableBefore20250618EvenWithTheCapability() {
    DispatcherHarness h = askingHarness("2025-03-26", "{\"elicitation\":{}}");
    JsonRpcError e = h.error("tools/call", callParams("form", "{}"));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertTrue(h.out.requests.isEmpty());
  }

  @Test
  void urlElicitationNeeds20251125AndTheUrlCapability() {
    // 2025-11-25 with form-only elicitation: refused
    DispatcherHarness formOnly = askingHarness("2025-11-25", "{\"elicitation\":{\"form\":{}}}");
    assertEquals(JsonRpcError.INTERNAL_ERROR, formOnly.error("tools/call", callParams("url", "{}")).code());
    assertTrue(formOnly.out.requests.isEmpty());
    // 2025-06-18 even with elicitation.url: refused
    DispatcherHarness older = askingHarness("2025-06-18", "{\"elicitation\":{\"url\":{}}}");
    assertEquals(JsonRpcError.INTERNAL_ERROR, older.error("tools/call", callParams("url", "{}")).code());
    assertTrue(older.out.requests.isEmpty());
    // both: sent
    DispatcherHarness ok = askingHarness("2025-11-25", "{\"elicitation\":{\"url\":{}}}");
    ok.result("tools/call", callParams("url", "{}"));
    assertEquals("elicitation/create", ok.out.requests.get(0).method());
    assertEquals("url", ok.out.requests.get(0).params().get("mode").asText());
  }

  @Test
  void theHandlerSeesWhatTheClientDeclared() {
    Tool who = Tool.builder("who").syncHandler((a, c) -> ToolResult.text(
        c.sessionId() + "|" + c.protocolVersion().id() + "|" + c.clientInfo().get("name").asText()
            + "|" + c.clientSupports("roots") + "|" + c.clientSupports("sampling")
            + "|" + c.requestId() + "|" + c.meta().path("k").asText())).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(who), "2025-06-18", obj("{\"roots\":{}}"));
    ObjectNode p = callParams("who", "{}");
    p.putObject("_meta").put("k", "v");
    String text = h.result("tools/call", p).path("content").path(0).path("text").asText();
    assertEquals("session-1|2025-06-18|test-client|true|false|1|v", text);
  }

  // ------------------------------------------------------------ session data

  @Test
  void sessionDataPutThroughTheContextIsReadByALaterRequest() {
    Tool put = Tool.builder("put").handler((a, c) -> c.putSessionData("k", a.get("v"))
        .thenApply(x -> ToolResult.text("stored"))).build();
    Tool get = Tool.builder("get").syncHandler((a, c) -> ToolResult.text(
        c.sessionData("k").map(JsonNode::toString).orElse("absent"))).build();
    Tool del = Tool.builder("del").handler((a, c) -> c.removeSessionData("k")
        .thenApply(x -> ToolResult.text("removed"))).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(put, get, del), "2025-06-18");
    assertEquals("absent", h.result("tools/call", callParams("get", "{}")).path("content").path(0).path("text").asText());
    h.result("tools/call", callParams("put", "{\"v\":{\"n\":1}}"));
    assertEquals(obj("{\"n\":1}"), h.session.state().data().get("k"));
    assertEquals("{\"n\":1}", h.result("tools/call", callParams("get", "{}")).path("content").path(0).path("text").asText());
    h.result("tools/call", callParams("del", "{}"));
    assertEquals("absent", h.result("tools/call", callParams("get", "{}")).path("content").path(0).path("text").asText());
  }

  @Test
  void aSessionDataRefusalReachesTheHandlerAsTheSessionsError() {
    Tool put = Tool.builder("put").handler((a, c) -> c.putSessionData("k", Json.NODES.textNode("x".repeat(300_000)))
        .thenApply(x -> ToolResult.text("stored"))).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(put), "2025-06-18");
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("tools/call", callParams("put", "{}")).code());
    assertFalse(h.session.state().data().containsKey("k"));
  }
}
