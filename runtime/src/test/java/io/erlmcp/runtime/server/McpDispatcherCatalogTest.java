package io.erlmcp.runtime.server;

import static io.erlmcp.runtime.server.DispatcherHarness.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Resources, prompts, completion and the method table of {@link McpDispatcher}. */
class McpDispatcherCatalogTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, (byte) 0xff};
  private final AtomicReference<Map<String, String>> templateVars = new AtomicReference<>();
  private final AtomicReference<Completer.Request> completed = new AtomicReference<>();

  private McpServer server() {
    return McpServer.builder("srv", "1")
        .resource(new Resource("test://static/readme", "readme", "Read Me", "the readme", "text/plain", 5L,
            (uri, c) -> CompletableFuture.completedFuture(
                List.of(ResourceContents.text(uri, "text/plain", "hello")))))
        .resource(new Resource("test://static/logo", "logo", null, null, "image/png", null,
            (uri, c) -> CompletableFuture.completedFuture(
                List.of(ResourceContents.blob(uri, "image/png", PNG)))))
        .resource(new Resource("test://static/gone", "gone", null, null, null, null,
            (uri, c) -> CompletableFuture.completedFuture(null)))
        .resourceTemplate(new ResourceTemplate(new UriTemplate("test://template/{id}/data"), "item",
            "Item", null, "application/json",
            (uri, vars, c) -> {
              templateVars.set(vars);
              return CompletableFuture.completedFuture(
                  List.of(ResourceContents.text(uri, "application/json", "{\"id\":\"" + vars.get("id") + "\"}")));
            }))
        .prompt(new Prompt("greet", "Greeting", "says hello",
            List.of(new Prompt.Argument("name", "Name", "who", true),
                new Prompt.Argument("style", null, null, false)),
            (args, c) -> CompletableFuture.completedFuture(new Prompt.Result("a greeting",
                List.of(Prompt.Message.user(Content.text("Hello " + args.get("name")
                    + (args.containsKey("style") ? " (" + args.get("style") + ")" : ""))))))))
        .completer((req, c) -> {
          completed.set(req);
          int n = "many".equals(req.value()) ? 150 : 3;
          List<String> values = IntStream.range(0, n).mapToObj(i -> req.value() + i).toList();
          return CompletableFuture.completedFuture(new Completer.Result(values, n, false));
        })
        .build();
  }

  private DispatcherHarness harness(String version) {
    return new DispatcherHarness(server(), version);
  }

  // ------------------------------------------------------------ resources

  @Test
  void resourcesListShowsTitlesOnlyFromTitledRevisions() {
    JsonNode old = harness("2025-03-26").result("resources/list", null).get("resources").get(0);
    JsonNode now = harness("2025-06-18").result("resources/list", null).get("resources").get(0);
    assertEquals("test://static/readme", old.get("uri").asText());
    assertEquals("readme", old.get("name").asText());
    assertEquals("text/plain", old.get("mimeType").asText());
    assertEquals(5, old.get("size").asLong());
    assertFalse(old.has("title"));
    assertEquals("Read Me", now.get("title").asText());
    assertEquals(3, harness("2025-06-18").result("resources/list", null).get("resources").size());
  }

  @Test
  void resourcesTemplatesListShowsTheTemplate() {
    JsonNode t = harness("2025-06-18").result("resources/templates/list", null).get("resourceTemplates").get(0);
    assertEquals("test://template/{id}/data", t.get("uriTemplate").asText());
    assertEquals("item", t.get("name").asText());
    assertEquals("Item", t.get("title").asText());
  }

  @Test
  void resourcesReadOfAnExactUriReturnsItsText() {
    ObjectNode r = harness("2025-06-18").result("resources/read", obj("{\"uri\":\"test://static/readme\"}"));
    JsonNode c = r.get("contents").get(0);
    assertEquals("test://static/readme", c.get("uri").asText());
    assertEquals("text/plain", c.get("mimeType").asText());
    assertEquals("hello", c.get("text").asText());
    assertFalse(c.has("blob"));
  }

  @Test
  void resourcesReadOfABlobReturnsBase64() {
    JsonNode c = harness("2025-06-18").result("resources/read", obj("{\"uri\":\"test://static/logo\"}"))
        .get("contents").get(0);
    assertFalse(c.has("text"));
    assertEquals(List.of((byte) 0x89, (byte) 'P'), List.of(Base64.getDecoder().decode(c.get("blob").asText())[0],
        Base64.getDecoder().decode(c.get("blob").asText())[1]));
    assertTrue(java.util.Arrays.equals(PNG, Base64.getDecoder().decode(c.get("blob").asText())));
  }

  @Test
  void resourcesReadThroughATemplatePassesTheDecodedVariables() {
    ObjectNode r = harness("2025-06-18").result("resources/read", obj("{\"uri\":\"test://template/a%20b/data\"}"));
    assertEquals(Map.of("id", "a b"), templateVars.get());
    assertEquals("{\"id\":\"a b\"}", r.get("contents").get(0).get("text").asText());
    assertEquals("test://template/a%20b/data", r.get("contents").get(0).get("uri").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"test://nothing", "test://template/1/other", "test://template/1/data/extra", "test://static/README"})
  void readingAnUnknownResourceIsResourceNotFoundWithTheUri(String uri) {
    JsonRpcError e = harness("2025-06-18").error("resources/read", Json.object().put("uri", uri));
    assertEquals(-32002, e.code());
    assertEquals(uri, e.data().get("uri").asText());
  }

  @Test
  void aReaderReturningNoContentsIsResourceNotFound() {
    JsonRpcError e = harness("2025-06-18").error("resources/read", obj("{\"uri\":\"test://static/gone\"}"));
    assertEquals(-32002, e.code());
    assertEquals("test://static/gone", e.data().get("uri").asText());
  }

  @Test
  void resourcesReadWithoutAUriIsInvalidParams() {
    assertEquals(JsonRpcError.INVALID_PARAMS, harness("2025-06-18").error("resources/read", obj("{}")).code());
  }

  @Test
  void subscribeAddsToTheSessionsSubscriptionsAndUnsubscribeRemoves() {
    DispatcherHarness h = harness("2025-06-18");
    assertEquals(0, h.result("resources/subscribe", obj("{\"uri\":\"test://static/readme\"}")).size());
    assertEquals(Set.of("test://static/readme"), h.session.state().subscriptions());
    h.result("resources/subscribe", obj("{\"uri\":\"test://template/1/data\"}"));
    assertEquals(2, h.session.state().subscriptions().size());
    assertEquals(0, h.result("resources/unsubscribe", obj("{\"uri\":\"test://static/readme\"}")).size());
    assertEquals(Set.of("test://template/1/data"), h.session.state().subscriptions());
  }

  @Test
  void subscribeWithoutAUriIsInvalidParams() {
    DispatcherHarness h = harness("2025-06-18");
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("resources/subscribe", obj("{\"uri\":1}")).code());
    assertTrue(h.session.state().subscriptions().isEmpty());
  }

  // ------------------------------------------------------------ prompts

  @Test
  void promptsListShowsArgumentsWithTitlesFromTitledRevisions() {
    JsonNode old = harness("2025-03-26").result("prompts/list", null).get("prompts").get(0);
    JsonNode now = harness("2025-06-18").result("prompts/list", null).get("prompts").get(0);
    assertEquals("greet", old.get("name").asText());
    assertFalse(old.has("title"));
    assertFalse(old.get("arguments").get(0).has("title"));
    assertTrue(old.get("arguments").get(0).get("required").asBoolean());
    assertFalse(old.get("arguments").get(1).get("required").asBoolean());
    assertEquals("Greeting", now.get("title").asText());
    assertEquals("Name", now.get("arguments").get(0).get("title").asText());
  }

  @Test
  void promptsGetRendersWithTheArguments() {
    ObjectNode r = harness("2025-06-18").result("prompts/get",
        obj("{\"name\":\"greet\",\"arguments\":{\"name\":\"Ada\",\"style\":\"warm\"}}"));
    assertEquals("a greeting", r.get("description").asText());
    JsonNode m = r.get("messages").get(0);
    assertEquals("user", m.get("role").asText());
    assertEquals("Hello Ada (warm)", m.get("content").get("text").asText());
  }

  @Test
  void promptsGetWithoutTheOptionalArgumentRenders() {
    ObjectNode r = harness("2025-06-18").result("prompts/get", obj("{\"name\":\"greet\",\"arguments\":{\"name\":\"Ada\"}}"));
    assertEquals("Hello Ada", r.get("messages").get(0).get("content").get("text").asText());
  }

  @Test
  void promptsGetMissingARequiredArgumentIsInvalidParams() {
    DispatcherHarness h = harness("2025-06-18");
    JsonRpcError e = h.error("prompts/get", obj("{\"name\":\"greet\",\"arguments\":{\"style\":\"x\"}}"));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
    assertTrue(e.message().contains("name"), e.message());
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("prompts/get", obj("{\"name\":\"greet\"}")).code());
  }

  @Test
  void promptsGetOfAnUnknownPromptIsInvalidParams() {
    assertEquals(JsonRpcError.INVALID_PARAMS, harness("2025-06-18").error("prompts/get", obj("{\"name\":\"nope\"}")).code());
  }

  @Test
  void promptArgumentsThatAreNotAnObjectAreInvalidParams() {
    assertEquals(JsonRpcError.INVALID_PARAMS,
        harness("2025-06-18").error("prompts/get", obj("{\"name\":\"greet\",\"arguments\":[\"Ada\"]}")).code());
  }

  // ------------------------------------------------------------ completion

  @Test
  void completionOfAPromptArgumentPassesTheRefAndContext() {
    ObjectNode r = harness("2025-06-18").result("completion/complete", obj(
        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},\"argument\":{\"name\":\"style\",\"value\":\"wa\"},"
            + "\"context\":{\"arguments\":{\"name\":\"Ada\"}}}"));
    assertEquals(List.of("wa0", "wa1", "wa2"), values(r));
    assertEquals(3, r.get("completion").get("total").asInt());
    assertFalse(r.get("completion").get("hasMore").asBoolean());
    Completer.Request req = completed.get();
    assertEquals("ref/prompt", req.refType());
    assertEquals("greet", req.refName());
    assertEquals("style", req.argumentName());
    assertEquals(Map.of("name", "Ada"), req.contextArguments());
  }

  @Test
  void completionOfAResourceTemplateVariable() {
    ObjectNode r = harness("2025-03-26").result("completion/complete", obj(
        "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"test://template/{id}/data\"},\"argument\":{\"name\":\"id\",\"value\":\"4\"}}"));
    assertEquals(List.of("40", "41", "42"), values(r));
    assertEquals("ref/resource", completed.get().refType());
    assertEquals("test://template/{id}/data", completed.get().refName());
    assertTrue(completed.get().contextArguments().isEmpty());
  }

  @Test
  void completionValuesAreCappedAt100WithHasMore() {
    ObjectNode r = harness("2025-06-18").result("completion/complete", obj(
        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},\"argument\":{\"name\":\"name\",\"value\":\"many\"}}"));
    assertEquals(100, r.get("completion").get("values").size());
    assertTrue(r.get("completion").get("hasMore").asBoolean());
    assertEquals(150, r.get("completion").get("total").asInt());
  }

  @Test
  void exactly100CompletionValuesHaveNoMore() {
    McpServer s = McpServer.builder("s", "1")
        .prompt(new Prompt("p", null, null, null, (a, c) -> CompletableFuture.completedFuture(new Prompt.Result(null, List.of()))))
        .completer((req, c) -> CompletableFuture.completedFuture(Completer.Result.of(
            IntStream.range(0, 100).mapToObj(String::valueOf).toList())))
        .build();
    ObjectNode r = new DispatcherHarness(s, "2025-06-18").result("completion/complete", obj(
        "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"p\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}"));
    assertEquals(100, r.get("completion").get("values").size());
    assertFalse(r.get("completion").get("hasMore").asBoolean());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"nope\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}",
      "{\"ref\":{\"type\":\"ref/tool\",\"name\":\"greet\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}",
      "{\"argument\":{\"name\":\"a\",\"value\":\"\"}}",
      "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"}}",
      "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"},\"argument\":{\"name\":\"a\",\"value\":3}}",
      "{\"ref\":{\"type\":\"ref/resource\"},\"argument\":{\"name\":\"a\",\"value\":\"\"}}"})
  void malformedCompletionRequestsAreInvalidParams(String params) {
    assertEquals(JsonRpcError.INVALID_PARAMS, harness("2025-06-18").error("completion/complete", obj(params)).code());
  }

  private static List<String> values(ObjectNode r) {
    List<String> out = new ArrayList<>();
    r.get("completion").get("values").forEach(v -> out.add(v.asText()));
    return out;
  }

  // ------------------------------------------------------------ method table

  @Test
  void pingAnswersAnEmptyObject() {
    ObjectNode r = new DispatcherHarness(McpServer.builder("s", "1").build(), "2024-11-05").result("ping", null);
    assertEquals(0, r.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tools/list", "tools/call", "resources/list", "resources/templates/list", "resources/read",
      "resources/subscribe", "resources/unsubscribe", "prompts/list", "prompts/get", "completion/complete"})
  void methodsOfCapabilitiesTheServerLacksAreMethodNotFound(String method) {
    DispatcherHarness h = new DispatcherHarness(McpServer.builder("s", "1").build(), "2025-06-18");
    JsonRpcError e = h.error(method, obj("{\"name\":\"x\",\"uri\":\"test://x\"}"));
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, e.code());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tools/frobnicate", "sampling/createMessage", "notifications/initialized", "", "PING"})
  void anUnknownMethodIsMethodNotFound(String method) {
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, harness("2025-06-18").error(method, null).code());
  }

  @Test
  void paramsThatAreNotAnObjectAreInvalidParams() {
    DispatcherHarness h = harness("2025-06-18");
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("ping", Json.array()).code());
    assertEquals(JsonRpcError.INVALID_PARAMS, h.error("resources/list", Json.array().add(1)).code());
  }

  @Test
  void resourcePagesCarryOpaqueCursors() {
    McpServer.Builder b = McpServer.builder("s", "1");
    for (int i = 0; i < 3; i++) {
      b.resource(new Resource("test://r" + i, "r" + i, null, null, null, null,
          (u, c) -> CompletableFuture.completedFuture(List.of())));
    }
    DispatcherHarness h = new DispatcherHarness(b.build(),
        new McpDispatcher.Settings(2, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(5)),
        "2025-06-18", Json.object());
    ObjectNode p1 = h.result("resources/list", null);
    assertEquals(2, p1.get("resources").size());
    String cursor = p1.get("nextCursor").asText();
    assertFalse(new String(cursor.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals("2"));
    ObjectNode p2 = h.result("resources/list", Json.object().put("cursor", cursor));
    assertEquals("test://r2", p2.get("resources").get(0).get("uri").asText());
    assertFalse(p2.has("nextCursor"));
  }
}
