package io.erlmcp.runtime.server;

import static io.erlmcp.runtime.server.DispatcherHarness.callParams;
import static io.erlmcp.runtime.server.DispatcherHarness.errorOf;
import static io.erlmcp.runtime.server.DispatcherHarness.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class McpDispatcherToolsTest {

  private static final String ADD_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}},"
          + "\"required\":[\"a\",\"b\"]}";

  private static Tool add() {
    return Tool.builder("add")
        .inputSchema(ADD_SCHEMA)
        .syncHandler(
            (a, c) -> ToolResult.text(String.valueOf(a.get("a").asInt() + a.get("b").asInt())))
        .build();
  }

  private static McpServer serverWith(Tool... tools) {
    McpServer.Builder b = McpServer.builder("srv", "1");
    for (Tool t : tools) {
      b.tool(t);
    }
    return b.build();
  }

  // ------------------------------------------------------------ tools/list

  private static McpServer fiveTools() {
    McpServer.Builder b = McpServer.builder("srv", "1");
    for (int i = 1; i <= 5; i++) {
      b.tool(Tool.builder("t" + i).syncHandler((a, c) -> ToolResult.text("x")).build());
    }
    return b.build();
  }

  private static DispatcherHarness pageSizeTwo() {
    return new DispatcherHarness(
        fiveTools(),
        new McpDispatcher.Settings(2, Duration.ofSeconds(5), Duration.ofSeconds(5)),
        "2025-06-18",
        Json.object());
  }

  private static List<String> names(ObjectNode listResult) {
    List<String> out = new ArrayList<>();
    listResult.get("tools").forEach(t -> out.add(t.get("name").asText()));
    return out;
  }

  @Test
  void toolsListPagesFiveToolsByTwoIntoThreePagesAndTheLastHasNoCursor() {
    DispatcherHarness h = pageSizeTwo();
    ObjectNode p1 = h.result("tools/list", null);
    assertEquals(List.of("t1", "t2"), names(p1));
    String c1 = p1.get("nextCursor").asText();

    ObjectNode p2 = h.result("tools/list", Json.object().put("cursor", c1));
    assertEquals(List.of("t3", "t4"), names(p2));
    String c2 = p2.get("nextCursor").asText();
    assertNotEquals(c1, c2);

    ObjectNode p3 = h.result("tools/list", Json.object().put("cursor", c2));
    assertEquals(List.of("t5"), names(p3));
    assertFalse(p3.has("nextCursor"));
  }

  @Test
  void aListThatFitsOnePageHasNoCursor() {
    DispatcherHarness h = new DispatcherHarness(fiveTools(), "2025-06-18");
    ObjectNode p = h.result("tools/list", null);
    assertEquals(5, p.get("tools").size());
    assertFalse(p.has("nextCursor"));
  }

  @Test
  void aPageExactlyFullAtTheEndHasNoCursor() {
    DispatcherHarness h =
        new DispatcherHarness(
            fiveTools(),
            new McpDispatcher.Settings(5, Duration.ofSeconds(5), Duration.ofSeconds(5)),
            "2025-06-18",
            Json.object());
    ObjectNode p = h.result("tools/list", null);
    assertEquals(5, p.get("tools").size());
    assertFalse(p.has("nextCursor"));
  }

  @Test
  void cursorsAreOpaqueNotTheOffset() {
    String c = pageSizeTwo().result("tools/list", null).get("nextCursor").asText();
    assertNotEquals("2", c);
    assertFalse(c.matches("\\d+"), c);
  }

  @ParameterizedTest
  @ValueSource(strings = {"garbage", "!!!not-base64!!!", "", "Mg"})
  void aCursorTheServerDidNotIssueIsInvalidParams(String cursor) {
    JsonRpcError e = pageSizeTwo().error("tools/list", Json.object().put("cursor", cursor));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
  }

  @Test
  void aTamperedCursorPointingPastTheEndOrNegativeIsInvalidParams() {
    DispatcherHarness h = pageSizeTwo();
    for (String forged : List.of("erlmcp:o:6", "erlmcp:o:-1", "erlmcp:o:x", "other:o:2")) {
      String c =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(forged.getBytes(StandardCharsets.UTF_8));
      assertEquals(
          JsonRpcError.INVALID_PARAMS,
          h.error("tools/list", Json.object().put("cursor", c)).code(),
          forged);
    }
  }

  @Test
  void aCursorAtExactlyTheEndGivesAnEmptyLastPage() {
    String c =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString("erlmcp:o:5".getBytes(StandardCharsets.UTF_8));
    ObjectNode p = pageSizeTwo().result("tools/list", Json.object().put("cursor", c));
    assertEquals(0, p.get("tools").size());
    assertFalse(p.has("nextCursor"));
  }

  @Test
  void aNonTextCursorIsInvalidParams() {
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        pageSizeTwo().error("tools/list", obj("{\"cursor\":2}")).code());
  }

  private static Tool fancy() {
    ArrayNode icons = Json.array();
    icons.addObject().put("src", "https://example.com/i.png");
    return Tool.builder("fancy")
        .title("Fancy Tool")
        .description("does fancy things")
        .inputSchema(ADD_SCHEMA)
        .outputSchema("{\"type\":\"object\"}")
        .annotations(Json.object().put("readOnlyHint", true))
        .icons(icons)
        .syncHandler((a, c) -> ToolResult.structured(Json.object()))
        .build();
  }

  private static JsonNode listedFancy(String version) {
    return new DispatcherHarness(serverWith(fancy()), version).result("tools/list", null).get("tools").get(0);
  }

  @Test
  void toolJsonOf20241105HasNoTitleOutputSchemaAnnotationsOrIcons() {
    JsonNode t = listedFancy("2024-11-05");
    assertEquals("fancy", t.get("name").asText());
    assertEquals("does fancy things", t.get("description").asText());
    assertEquals(Json.parse(ADD_SCHEMA), t.get("inputSchema"));
    assertFalse(t.has("title"));
    assertFalse(t.has("outputSchema"));
    assertFalse(t.has("annotations"));
    assertFalse(t.has("icons"));
  }

  @Test
  void toolJsonOf20250326AddsAnnotationsOnly() {
    JsonNode t = listedFancy("2025-03-26");
    assertTrue(t.path("annotations").path("readOnlyHint").asBoolean());
    assertFalse(t.has("title"));
    assertFalse(t.has("outputSchema"));
    assertFalse(t.has("icons"));
  }

  @Test
  void toolJsonOf20250618AddsTitleAndOutputSchemaButNoIcons() {
    JsonNode t = listedFancy("2025-06-18");
    assertEquals("Fancy Tool", t.get("title").asText());
    assertEquals(obj("{\"type\":\"object\"}"), t.get("outputSchema"));
    assertTrue(t.has("annotations"));
    assertFalse(t.has("icons"));
  }

  @Test
  void toolJsonOf20251125HasIcons() {
    JsonNode t = listedFancy("2025-11-25");
    assertEquals("https://example.com/i.png", t.path("icons").path(0).path("src").asText());
    assertTrue(t.has("title"));
    assertTrue(t.has("outputSchema"));
    assertTrue(t.has("annotations"));
  }

  // ------------------------------------------------------------ tools/call

  @Test
  void toolsCallRunsTheHandlerWithTheArguments() {
    ObjectNode r = new DispatcherHarness(serverWith(add()), "2025-06-18")
        .result("tools/call", callParams("add", "{\"a\":2,\"b\":3}"));
    assertEquals("text", r.path("content").path(0).path("type").asText());
    assertEquals("5", r.path("content").path(0).path("text").asText());
    assertFalse(r.has("isError"));
    assertFalse(r.has("structuredContent"));
  }

  @Test
  void toolsCallWithoutArgumentsPassesAnEmptyObject() {
    Tool t = Tool.builder("count").syncHandler((a, c) -> ToolResult.text("n=" + a.size())).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(t), "2025-06-18");
    assertEquals("n=0", h.result("tools/call", callParams("count", null)).path("content").path(0).path("text").asText());
    assertEquals("n=0", h.result("tools/call", callParams("count", "null")).path("content").path(0).path("text").asText());
  }

  @Test
  void anUnknownToolIsAJsonRpcInvalidParamsError() {
    JsonRpcError e = new DispatcherHarness(serverWith(add()), "2025-11-25")
        .error("tools/call", callParams("nope", "{}"));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
    assertTrue(e.message().contains("nope"), e.message());
  }

  @Test
  void aMissingToolNameIsInvalidParams() {
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        new DispatcherHarness(serverWith(add()), "2025-11-25").error("tools/call", obj("{\"arguments\":{}}")).code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"[1,2]", "\"a=1\"", "42", "true"})
  void argumentsThatAreNotAnObjectAreInvalidParams(String args) {
    JsonRpcError e = new DispatcherHarness(serverWith(add()), "2025-11-25")
        .error("tools/call", callParams("add", args));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
  }

  @Test
  void schemaInvalidArgumentsAreAToolErrorResultOn20251125() {
    ObjectNode r = new DispatcherHarness(serverWith(add()), "2025-11-25")
        .result("tools/call", callParams("add", "{\"a\":\"two\"}"));
    assertTrue(r.path("isError").asBoolean());
    assertTrue(r.path("content").path(0).path("text").asText().contains("Invalid arguments"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-11-05", "2025-03-26", "2025-06-18"})
  void schemaInvalidArgumentsAreInvalidParamsBefore20251125(String version) {
    JsonRpcError e = new DispatcherHarness(serverWith(add()), version)
        .error("tools/call", callParams("add", "{\"a\":\"two\"}"));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
  }

  @Test
  void schemaInvalidArgumentsNeverReachTheHandler() {
    CompletableFuture<ObjectNode> seen = new CompletableFuture<>();
    Tool t = Tool.builder("add").inputSchema(ADD_SCHEMA)
        .syncHandler((a, c) -> { seen.complete(a); return ToolResult.text("ran"); }).build();
    new DispatcherHarness(serverWith(t), "2025-11-25").send("tools/call", callParams("add", "{}"));
    assertFalse(seen.isDone());
  }

  private static Tool structured(JsonNode value, boolean declareSchema) {
    Tool.Builder b = Tool.builder("weather");
    if (declareSchema) {
      b.outputSchema(
          "{\"type\":\"object\",\"properties\":{\"temp\":{\"type\":\"number\"}},\"required\":[\"temp\"]}");
    }
    return b.syncHandler((a, c) -> ToolResult.structured(value)).build();
  }

  @Test
  void structuredContentMatchingTheOutputSchemaIsReturned() {
    ObjectNode r = new DispatcherHarness(serverWith(structured(obj("{\"temp\":21.5}"), true)), "2025-06-18")
        .result("tools/call", callParams("weather", "{}"));
    assertEquals(21.5, r.path("structuredContent").path("temp").asDouble());
    assertEquals("{\"temp\":21.5}", r.path("content").path(0).path("text").asText());
  }

  @Test
  void structuredContentViolatingTheOutputSchemaIsAnInternalError() {
    JsonRpcError e = new DispatcherHarness(serverWith(structured(obj("{\"temp\":\"hot\"}"), true)), "2025-06-18")
        .error("tools/call", callParams("weather", "{}"));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
  }

  @Test
  void aToolWithOutputSchemaReturningNoStructuredContentIsAnInternalError() {
    Tool t = Tool.builder("weather").outputSchema("{\"type\":\"object\"}")
        .syncHandler((a, c) -> ToolResult.text("no structure")).build();
    assertEquals(JsonRpcError.INTERNAL_ERROR,
        new DispatcherHarness(serverWith(t), "2025-06-18").error("tools/call", callParams("weather", "{}")).code());
  }

  @Test
  void anErrorResultIsNotCheckedAgainstTheOutputSchema() {
    Tool t = Tool.builder("weather").outputSchema("{\"type\":\"object\"}")
        .syncHandler((a, c) -> ToolResult.error("upstream down")).build();
    ObjectNode r = new DispatcherHarness(serverWith(t), "2025-06-18").result("tools/call", callParams("weather", "{}"));
    assertTrue(r.path("isError").asBoolean());
  }

  @Test
  void structuredContentIsDroppedFor20250326ButTheContentIsKept() {
    ObjectNode r = new DispatcherHarness(serverWith(structured(obj("{\"temp\":21.5}"), true)), "2025-03-26")
        .result("tools/call", callParams("weather", "{}"));
    assertFalse(r.has("structuredContent"));
    assertEquals(1, r.path("content").size());
    assertEquals("{\"temp\":21.5}", r.path("content").path(0).path("text").asText());
  }

  @Test
  void structuredContentWithoutContentBecomesTextFor20250326() {
    Tool t = Tool.builder("s").syncHandler(
        (a, c) -> new ToolResult(List.of(), obj("{\"k\":1}"), false)).build();
    ObjectNode r = new DispatcherHarness(serverWith(t), "2025-03-26").result("tools/call", callParams("s", "{}"));
    assertFalse(r.has("structuredContent"));
    assertEquals("{\"k\":1}", r.path("content").path(0).path("text").asText());
  }

  @Test
  void aThrowingHandlerIsAnInternalErrorThatLeaksNothingAndTheSessionServesOn() {
    Tool boom = Tool.builder("boom").handler((a, c) -> {
      throw new IllegalStateException("db password=hunter2 at 10.0.0.7");
    }).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(boom, add()), "2025-06-18");
    JsonRpcError e = h.error("tools/call", callParams("boom", "{}"));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertFalse(e.toString().contains("hunter2"), e.toString());
    assertFalse(e.toString().contains("IllegalStateException"), e.toString());
    assertTrue(e.data().has("errorId"));
    assertEquals("5", h.result("tools/call", callParams("add", "{\"a\":1,\"b\":4}")).path("content").path(0).path("text").asText());
    assertEquals(0, h.result("ping", null).size());
  }

  @Test
  void aHandlerFailedStageIsAnInternalErrorThatLeaksNothing() {
    Tool boom = Tool.builder("boom")
        .handler((a, c) -> CompletableFuture.failedFuture(new RuntimeException("secret-token-abc")))
        .build();
    JsonRpcError e = new DispatcherHarness(serverWith(boom), "2025-06-18").error("tools/call", callParams("boom", "{}"));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertFalse(e.toString().contains("secret-token-abc"), e.toString());
  }

  @Test
  void aHandlerReturningNullIsAnInternalError() {
    Tool nul = Tool.builder("nul").handler((a, c) -> null).build();
    Tool nulResult = Tool.builder("nulResult").handler((a, c) -> CompletableFuture.completedFuture(null)).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(nul, nulResult), "2025-06-18");
    assertEquals(JsonRpcError.INTERNAL_ERROR, h.error("tools/call", callParams("nul", "{}")).code());
    assertEquals(JsonRpcError.INTERNAL_ERROR, h.error("tools/call", callParams("nulResult", "{}")).code());
  }

  @Test
  void aJsonRpcExceptionFromAHandlerIsThatError() {
    JsonRpcError mine = JsonRpcError.of(-32050, "quota exceeded").withData(obj("{\"retry\":30}"));
    Tool thrower = Tool.builder("thrower").handler((a, c) -> { throw new JsonRpcException(mine); }).build();
    Tool failer = Tool.builder("failer")
        .handler((a, c) -> CompletableFuture.failedFuture(new JsonRpcException(mine))).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(thrower, failer), "2025-06-18");
    assertEquals(mine, h.error("tools/call", callParams("thrower", "{}")));
    assertEquals(mine, h.error("tools/call", callParams("failer", "{}")));
  }

  @Test
  void aToolRunningPastItsOwnTimeoutIsAnInternalErrorAndItsHandlerIsCancelled() throws Exception {
    CompletableFuture<ToolResult> never = new CompletableFuture<>();
    CompletableFuture<CancellationToken> token = new CompletableFuture<>();
    Tool slow = Tool.builder("slow").timeout(Duration.ofMillis(100))
        .handler((a, c) -> { token.complete(c.cancellation()); return never; }).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(slow), "2025-06-18");
    long t0 = System.nanoTime();
    CompletableFuture<JsonRpcMessage> f = h.start("tools/call", callParams("slow", "{}"), new CancellationToken());
    JsonRpcMessage m = f.handle((r, e) -> {
      if (e != null) {
        throw new AssertionError("a timed-out tool must be answered, not cancelled: " + e, e);
      }
      return r;
    }).get(5, TimeUnit.SECONDS);
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 3000);
    JsonRpcError e = errorOf(m);
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertTrue(token.get(1, TimeUnit.SECONDS).isCancelled());
    assertTrue(token.get().reason().contains("timed out"), token.get().reason());
    assertTrue(never.isCancelled());
  }

  @Test
  void theDefaultToolTimeoutAppliesWhenTheToolSetsNone() throws Exception {
    CompletableFuture<ToolResult> never = new CompletableFuture<>();
    Tool slow = Tool.builder("slow").handler((a, c) -> never).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(slow),
        new McpDispatcher.Settings(50, Duration.ofMillis(100), Duration.ofSeconds(5)), "2025-06-18", Json.object());
    JsonRpcMessage m = h.start("tools/call", callParams("slow", "{}"), new CancellationToken())
        .exceptionally(e -> { throw new AssertionError("timed-out tool not answered: " + e, e); })
        .get(5, TimeUnit.SECONDS);
    assertEquals(JsonRpcError.INTERNAL_ERROR, errorOf(m).code());
    assertTrue(never.isCancelled());
  }

  @Test
  void cancellingMidCallCompletesWithCancellationAndCancelsTheHandlersFuture() throws Exception {
    CompletableFuture<ToolResult> never = new CompletableFuture<>();
    CompletableFuture<Void> started = new CompletableFuture<>();
    Tool slow = Tool.builder("slow").handler((a, c) -> { started.complete(null); return never; }).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(slow), "2025-06-18");
    CancellationToken cancel = new CancellationToken();
    CompletableFuture<JsonRpcMessage> f = h.start("tools/call", callParams("slow", "{}"), cancel);
    started.get(1, TimeUnit.SECONDS);
    assertFalse(f.isDone());
    cancel.cancel("client cancelled");
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(CancellationException.class, McpDispatcher.unwrap(e));
    assertTrue(never.isCancelled());
  }

  @Test
  void aRequestCancelledBeforeItStartsIsNotAnswered() {
    Tool t = Tool.builder("t").handler((a, c) -> new CompletableFuture<>()).build();
    DispatcherHarness h = new DispatcherHarness(serverWith(t), "2025-06-18");
    CancellationToken cancel = new CancellationToken();
    cancel.cancel("gone");
    CompletableFuture<JsonRpcMessage> f = h.start("tools/call", callParams("t", "{}"), cancel);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
        ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertInstanceOf(CancellationException.class, McpDispatcher.unwrap(e));
  }

  @Test
  void audioAndResourceLinksFollowTheRevision() {
    Tool t = Tool.builder("media").syncHandler((a, c) -> ToolResult.of(
        Content.audio("AAAA", "audio/wav"),
        Content.resourceLink("test://x", "x", null, null),
        Content.image("BBBB", "image/png"))).build();
    ObjectNode old = new DispatcherHarness(serverWith(t), "2024-11-05").result("tools/call", callParams("media", "{}"));
    assertEquals("text", old.path("content").path(0).path("type").asText());
    assertEquals("text", old.path("content").path(1).path("type").asText());
    assertEquals("image", old.path("content").path(2).path("type").asText());
    ObjectNode mid = new DispatcherHarness(serverWith(t), "2025-03-26").result("tools/call", callParams("media", "{}"));
    assertEquals("audio", mid.path("content").path(0).path("type").asText());
    assertEquals("text", mid.path("content").path(1).path("type").asText());
    ObjectNode now = new DispatcherHarness(serverWith(t), "2025-06-18").result("tools/call", callParams("media", "{}"));
    assertEquals("resource_link", now.path("content").path(1).path("type").asText());
    assertEquals("test://x", now.path("content").path(1).path("uri").asText());
  }

  @Test
  void aToolWithAnUncompilableSchemaFailsAtDispatcherConstruction() {
    Tool bad = Tool.builder("bad").inputSchema("{\"pattern\":\"[\"}").syncHandler((a, c) -> ToolResult.text("")).build();
    org.junit.jupiter.api.Assertions.assertThrows(
        io.erlmcp.runtime.schema.SchemaValidator.InvalidSchemaException.class,
        () -> new McpDispatcher(serverWith(bad)));
  }

  @Test
  void aToolAddedAfterStartIsCallable() {
    McpServer s = McpServer.builder("srv", "1").advertise(McpServer.CatalogKind.TOOLS).build();
    DispatcherHarness h = new DispatcherHarness(s, "2025-06-18");
    assertEquals(0, h.result("tools/list", null).get("tools").size());
    s.addTool(add());
    assertEquals("3", h.result("tools/call", callParams("add", "{\"a\":1,\"b\":2}")).path("content").path(0).path("text").asText());
    assertNull(h.result("tools/list", null).get("nextCursor"));
  }
}
