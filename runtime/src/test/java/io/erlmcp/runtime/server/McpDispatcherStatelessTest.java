package io.erlmcp.runtime.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.stateless.RequestStateSealer;
import io.erlmcp.runtime.stateless.StatelessMeta;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same handlers on 2026-07-28: a handler that asks the client answers input_required, its
 * retry with the answers (and the sealed state) continues it; refused state; the revision's
 * method table, result fields and error codes.
 */
class McpDispatcherStatelessTest {
  private final RequestStateSealer sealer = RequestStateSealer.random(Duration.ofMinutes(5));
  private final DispatcherHarness.RecordingOutbound out = new DispatcherHarness.RecordingOutbound();

  /** Written once, for both eras: two questions, one after the other. */
  private static final Tool TWO_QUESTIONS =
      Tool.builder("two_questions")
          .handler(
              (args, ctx) ->
                  ctx.elicit(Json.object().put("message", "name?"), null)
                      .thenCompose(
                          a ->
                              ctx.elicit(Json.object().put("message", "color?"), null)
                                  .thenApply(
                                      b ->
                                          ToolResult.text(
                                              a.path("content").path("v").asText()
                                                  + "/"
                                                  + b.path("content").path("v").asText()))))
          .build();

  private static final Tool LOGGER =
      Tool.builder("logger")
          .syncHandler(
              (args, ctx) -> {
                ctx.log(LogLevel.INFO, "hello");
                return ToolResult.text("ok");
              })
          .build();

  private static final Tool SWALLOWS_ERRORS =
      Tool.builder("swallows")
          .handler(
              (args, ctx) ->
                  ctx.createMessage(Json.object(), null)
                      .handle((r, e) -> ToolResult.text(e == null ? "answered" : "no sampling")))
          .build();

  private final McpDispatcher dispatcher =
      new McpDispatcher(
          McpServer.builder("s", "1")
              .tool(TWO_QUESTIONS)
              .tool(LOGGER)
              .tool(SWALLOWS_ERRORS)
              .resource(
                  new Resource(
                      "test://a",
                      "a",
                      null,
                      null,
                      "text/plain",
                      null,
                      (uri, ctx) ->
                          CompletableFuture.completedFuture(
                              List.of(ResourceContents.text(uri, "text/plain", "A")))))
              .resource(
                  new Resource(
                      "test://mine",
                      "mine",
                      null,
                      null,
                      "text/plain",
                      null,
                      (uri, ctx) -> {
                        ctx.cacheHint(Duration.ofSeconds(5), true);
                        return CompletableFuture.completedFuture(
                            List.of(ResourceContents.text(uri, "text/plain", "per user")));
                      }))
              .build(),
          new McpDispatcher.Settings(
              50, Duration.ofSeconds(5), Duration.ofSeconds(5), 30_000, 1_000, "private"));

  private static ObjectNode meta(ObjectNode params, String capsJson, String logLevel) {
    ObjectNode m = params.putObject("_meta").put(StatelessMeta.PROTOCOL_VERSION, "2026-07-28");
    m.set(StatelessMeta.CLIENT_CAPABILITIES, Json.parseObject(capsJson));
    if (logLevel != null) {
      m.put(StatelessMeta.LOG_LEVEL, logLevel);
    }
    return params;
  }

  private JsonRpcMessage send(String method, ObjectNode params) throws Exception {
    StatelessMeta m = StatelessMeta.parse(params);
    StatelessSession session = StatelessSession.of(m, method, params, sealer);
    return dispatcher
        .respond(new JsonRpcMessage.Request(RequestId.of(1), method, params), session, out,
            new CancellationToken())
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  private ObjectNode result(String method, ObjectNode params) throws Exception {
    return DispatcherHarness.resultOf(send(method, params));
  }

  private static ObjectNode call(String tool) {
    return Json.object().put("name", tool);
  }

  private static ObjectNode answer(String v) {
    ObjectNode a = Json.object().put("action", "accept");
    a.putObject("content").put("v", v);
    return a;
  }

  @Test
  void aHandlerThatAsksGetsInputRequiredThenContinuesOnTheRetry() throws Exception {
    ObjectNode first = result("tools/call", meta(call("two_questions"), "{\"elicitation\":{}}", null));
    assertEquals("input_required", first.get("resultType").asText());
    assertEquals("elicitation/create", first.at("/inputRequests/elicitation-1/method").asText());
    assertEquals("name?", first.at("/inputRequests/elicitation-1/params/message").asText());
    assertTrue(out.requests.isEmpty(), "no server-to-client request on 2026-07-28");

    ObjectNode retry = meta(call("two_questions"), "{\"elicitation\":{}}", null);
    retry.putObject("inputResponses").set("elicitation-1", answer("Alice"));
    retry.put("requestState", first.get("requestState").asText());
    ObjectNode second = result("tools/call", retry);
    assertEquals("input_required", second.get("resultType").asText());
    assertTrue(second.get("inputRequests").has("elicitation-2"));
    assertFalse(second.get("inputRequests").has("elicitation-1"));
    assertNotEquals(first.get("requestState"), second.get("requestState"));

    // Only the state carries the first answer now.
    ObjectNode last = meta(call("two_questions"), "{\"elicitation\":{}}", null);
    last.putObject("inputResponses").set("elicitation-2", answer("blue"));
    last.put("requestState", second.get("requestState").asText());
    ObjectNode done = result("tools/call", last);
    assertEquals("complete", done.get("resultType").asText());
    assertEquals("Alice/blue", done.at("/content/0/text").asText());
  }

  @Test
  void aHandlerThatSwallowsTheMissingAnswerStillYieldsInputRequired() throws Exception {
    ObjectNode r = result("tools/call", meta(call("swallows"), "{\"sampling\":{}}", null));
    assertEquals("input_required", r.get("resultType").asText());
    assertEquals("sampling/createMessage", r.at("/inputRequests/sampling-1/method").asText());
  }

  @Test
  void tamperedOrForeignStateIsRefusedBeforeTheHandlerRuns() throws Exception {
    ObjectNode first = result("tools/call", meta(call("two_questions"), "{\"elicitation\":{}}", null));
    String state = first.get("requestState").asText();
    ObjectNode tampered = meta(call("two_questions"), "{\"elicitation\":{}}", null);
    tampered.put("requestState", state.substring(0, state.length() - 2) + "AA");
    JsonRpcException e =
        assertThrows(
            JsonRpcException.class,
            () -> StatelessSession.of(StatelessMeta.parse(tampered), "tools/call", tampered, sealer));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.error().code());

    RequestStateSealer otherNode = RequestStateSealer.random(Duration.ofMinutes(5));
    ObjectNode foreign = meta(call("two_questions"), "{\"elicitation\":{}}", null);
    foreign.put("requestState", state);
    assertThrows(
        JsonRpcException.class,
        () -> StatelessSession.of(StatelessMeta.parse(foreign), "tools/call", foreign, otherNode));
  }

  @Test
  void askingForAnUndeclaredCapabilityIsMissingClientCapability() throws Exception {
    JsonRpcError e =
        DispatcherHarness.errorOf(send("tools/call", meta(call("two_questions"), "{}", null)));
    assertEquals(StatelessMeta.MISSING_CLIENT_CAPABILITY, e.code());
    assertTrue(e.data().at("/requiredCapabilities/elicitation").isObject());
  }

  @Test
  void logMessagesNeedALogLevelInTheRequestMeta() throws Exception {
    result("tools/call", meta(call("logger"), "{}", null));
    assertTrue(out.notificationsOf("notifications/message").isEmpty());
    result("tools/call", meta(call("logger"), "{}", "debug"));
    assertEquals(1, out.notificationsOf("notifications/message").size());
    result("tools/call", meta(call("logger"), "{}", "error"));
    assertEquals(1, out.notificationsOf("notifications/message").size());
  }

  @Test
  void listsAndReadsCarryResultTypeAndTheConfiguredCachingHints() throws Exception {
    ObjectNode tools = result("tools/list", meta(Json.object(), "{}", null));
    assertEquals("complete", tools.get("resultType").asText());
    assertEquals(30_000, tools.get("ttlMs").asLong());
    assertEquals("private", tools.get("cacheScope").asText());
    ObjectNode read = result("resources/read", meta(Json.object().put("uri", "test://a"), "{}", null));
    assertEquals(1_000, read.get("ttlMs").asLong());
    assertEquals("complete", read.get("resultType").asText());
    ObjectNode called = result("tools/call", meta(call("logger"), "{}", null));
    assertEquals("complete", called.get("resultType").asText());
    assertFalse(called.has("ttlMs"), "tool results are not cacheable");
  }

  @Test
  void aReaderCanOverrideTheCachingHintOfItsResult() throws Exception {
    ObjectNode own = result("resources/read", meta(Json.object().put("uri", "test://mine"), "{}", null));
    assertEquals(5_000, own.get("ttlMs").asLong());
    assertEquals("private", own.get("cacheScope").asText());
  }

  @Test
  void unknownResourceIsInvalidParamsWithTheUri() throws Exception {
    JsonRpcError e =
        DispatcherHarness.errorOf(
            send("resources/read", meta(Json.object().put("uri", "test://none"), "{}", null)));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
    assertEquals("test://none", e.data().get("uri").asText());
  }

  @Test
  void methodsRemovedIn20260728AreMethodNotFound() throws Exception {
    for (String m :
        new String[] {"initialize", "ping", "logging/setLevel", "resources/subscribe", "nope/x"}) {
      JsonRpcError e = DispatcherHarness.errorOf(send(m, meta(Json.object(), "{}", null)));
      assertEquals(JsonRpcError.METHOD_NOT_FOUND, e.code(), m);
    }
  }

  @Test
  void discoverListsVersionsCapabilitiesAndServerInfo() throws Exception {
    ObjectNode d = result("server/discover", meta(Json.object(), "{}", null));
    assertEquals("complete", d.get("resultType").asText());
    JsonNode versions = d.get("supportedVersions");
    assertEquals("2026-07-28", versions.get(0).asText());
    assertTrue(d.at("/capabilities/tools/listChanged").asBoolean());
    assertEquals("s", d.at("/_meta/io.modelcontextprotocol~1serverInfo/name").asText());
    assertTrue(d.get("ttlMs").isIntegralNumber());
  }
}
