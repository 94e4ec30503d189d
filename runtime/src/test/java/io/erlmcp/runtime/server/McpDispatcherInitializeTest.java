package io.erlmcp.runtime.server;

import static io.erlmcp.runtime.server.DispatcherHarness.initializeParams;
import static io.erlmcp.runtime.server.DispatcherHarness.obj;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.session.SessionState;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class McpDispatcherInitializeTest {

  private static final Tool ECHO =
      Tool.builder("echo").syncHandler((a, c) -> ToolResult.text("hi")).build();

  private static McpServer bare() {
    return McpServer.builder("srv", "1.2.3").build();
  }

  private static McpServer everything() {
    return McpServer.builder("srv", "1.2.3")
        .title("The Server")
        .instructions("be nice")
        .tool(ECHO)
        .resource(
            new Resource(
                "test://r", "r", null, null, null, null,
                (u, c) -> CompletableFuture.completedFuture(java.util.List.of())))
        .prompt(
            new Prompt(
                "p", null, null, null,
                (a, c) -> CompletableFuture.completedFuture(new Prompt.Result(null, java.util.List.of()))))
        .completer((r, c) -> CompletableFuture.completedFuture(Completer.Result.of(java.util.List.of())))
        .build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"})
  void initializeAgreesToEverySessionRevisionTheClientAsksFor(String version) {
    McpDispatcher d = new McpDispatcher(bare());
    McpDispatcher.InitializeOutcome o = d.initialize(initializeParams(version, Json.object()), "s", 7);
    assertEquals(version, o.result().get("protocolVersion").asText());
    assertEquals(version, o.command().protocolVersion());
    assertEquals("s", o.command().sessionId());
    assertEquals(7, o.command().atMillis());
    assertEquals("srv", o.result().path("serverInfo").path("name").asText());
    assertEquals("1.2.3", o.result().path("serverInfo").path("version").asText());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1999-01-01", "2024-10-07", "", "latest", "2026-07-28"})
  void initializeAnswersTheNewestSessionRevisionForAnUnknownOrStatelessOne(String version) {
    McpDispatcher d = new McpDispatcher(bare());
    McpDispatcher.InitializeOutcome o = d.initialize(initializeParams(version, Json.object()), "s", 0);
    assertEquals("2025-11-25", o.result().get("protocolVersion").asText());
    assertEquals("2025-11-25", o.command().protocolVersion());
  }

  static Stream<Arguments> badInitializeParams() {
    return Stream.of(
        Arguments.of("no params", null),
        Arguments.of("array params", Json.array()),
        Arguments.of("no protocolVersion", obj("{\"capabilities\":{},\"clientInfo\":{\"name\":\"c\"}}")),
        Arguments.of(
            "numeric protocolVersion",
            obj("{\"protocolVersion\":20250618,\"capabilities\":{},\"clientInfo\":{\"name\":\"c\"}}")),
        Arguments.of(
            "capabilities not an object",
            obj("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":[],\"clientInfo\":{\"name\":\"c\"}}")),
        Arguments.of("no clientInfo", obj("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{}}")),
        Arguments.of(
            "clientInfo without name",
            obj("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"version\":\"1\"}}")),
        Arguments.of(
            "clientInfo name not text",
            obj("{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":3}}")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInitializeParams")
  void initializeRefusesMalformedParamsWithInvalidParams(String why, JsonNode params) {
    McpDispatcher d = new McpDispatcher(bare());
    JsonRpcException e = assertThrows(JsonRpcException.class, () -> d.initialize(params, "s", 0));
    assertEquals(JsonRpcError.INVALID_PARAMS, e.error().code());
  }

  @Test
  void initializeWithoutCapabilitiesRecordsAnEmptyCapabilityObject() {
    McpDispatcher d = new McpDispatcher(bare());
    ObjectNode p = obj("{\"protocolVersion\":\"2025-06-18\",\"clientInfo\":{\"name\":\"c\"}}");
    McpDispatcher.InitializeOutcome o = d.initialize(p, "s", 0);
    assertTrue(o.command().clientCapabilities().isObject());
    assertEquals(0, o.command().clientCapabilities().size());
  }

  @Test
  void initializeCopiesTheClientsJsonSoLaterMutationDoesNotReachTheSession() {
    McpDispatcher d = new McpDispatcher(bare());
    ObjectNode caps = obj("{\"roots\":{}}");
    ObjectNode p = initializeParams("2025-06-18", caps);
    McpDispatcher.InitializeOutcome o = d.initialize(p, "s", 0);
    caps.putObject("sampling");
    ((ObjectNode) p.get("clientInfo")).put("name", "changed");
    assertFalse(o.command().clientCapabilities().has("sampling"));
    assertEquals("test-client", o.command().clientInfo().get("name").asText());
  }

  @Test
  void initializeResultCarriesInstructionsAndTitleOnlyFromTitledRevisions() {
    McpDispatcher d = new McpDispatcher(everything());
    ObjectNode old = d.initialize(initializeParams("2025-03-26", Json.object()), "s", 0).result();
    ObjectNode titled = d.initialize(initializeParams("2025-06-18", Json.object()), "s", 0).result();
    assertEquals("be nice", old.get("instructions").asText());
    assertNull(old.path("serverInfo").get("title"));
    assertEquals("The Server", titled.path("serverInfo").get("title").asText());
  }

  @Test
  void aServerWithoutCatalogsDeclaresOnlyLogging() {
    McpDispatcher d = new McpDispatcher(bare());
    for (ProtocolVersion v : ProtocolVersion.sessionRevisions()) {
      ObjectNode caps = d.capabilities(v);
      assertEquals(java.util.List.of("logging"), iterNames(caps), v.id());
    }
  }

  @Test
  void completionsAreDeclaredFrom20250326OnAndOnlyWithACompleter() {
    McpDispatcher d = new McpDispatcher(everything());
    assertFalse(d.capabilities(ProtocolVersion.V2024_11_05).has("completions"));
    assertTrue(d.capabilities(ProtocolVersion.V2025_03_26).has("completions"));
    assertTrue(d.capabilities(ProtocolVersion.V2025_11_25).has("completions"));
    assertFalse(new McpDispatcher(bare()).capabilities(ProtocolVersion.V2025_11_25).has("completions"));
  }

  @Test
  void catalogCapabilitiesAreDeclaredWhenTheServerHasThem() {
    ObjectNode caps = new McpDispatcher(everything()).capabilities(ProtocolVersion.V2025_06_18);
    assertTrue(caps.has("logging"));
    assertTrue(caps.path("tools").path("listChanged").asBoolean());
    assertTrue(caps.path("resources").path("subscribe").asBoolean());
    assertTrue(caps.path("resources").path("listChanged").asBoolean());
    assertTrue(caps.path("prompts").path("listChanged").asBoolean());
  }

  @Test
  void anAdvertisedEmptyCatalogIsDeclared() {
    McpServer s = McpServer.builder("srv", "1").advertise(McpServer.CatalogKind.TOOLS).build();
    ObjectNode caps = new McpDispatcher(s).capabilities(ProtocolVersion.V2025_06_18);
    assertTrue(caps.has("tools"));
    assertFalse(caps.has("resources"));
    assertFalse(caps.has("prompts"));
  }

  @Test
  void theSessionHoldsTheNegotiatedRevisionAndClientCapabilities() {
    DispatcherHarness h = new DispatcherHarness(bare(), "2025-03-26", obj("{\"roots\":{}}"));
    SessionState s = h.session.state();
    assertEquals(ProtocolVersion.V2025_03_26, s.protocolVersion());
    assertTrue(s.clientHas("roots"));
    assertFalse(s.clientHas("sampling"));
    assertEquals("session-1", s.sessionId());
  }

  @Test
  void initializeOnAnInitializedSessionIsAnInvalidRequest() {
    DispatcherHarness h = new DispatcherHarness(bare(), "2025-06-18");
    JsonRpcError e = h.error("initialize", initializeParams("2025-06-18", Json.object()));
    assertEquals(JsonRpcError.INVALID_REQUEST, e.code());
  }

  @Test
  void notificationsInitializedMarksTheClientReadyOnce() {
    DispatcherHarness h = new DispatcherHarness(bare(), "2025-06-18");
    assertFalse(h.session.state().clientReady());
    var n = new io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification("notifications/initialized", null);
    h.dispatcher.onNotification(n, h.session, 5).toCompletableFuture().join();
    h.dispatcher.onNotification(n, h.session, 6).toCompletableFuture().join();
    assertTrue(h.session.state().clientReady());
    long readyEvents =
        h.session.journal().stream()
            .filter(e -> e instanceof io.erlmcp.runtime.session.SessionEvent.ClientReady)
            .count();
    assertEquals(1, readyEvents);
  }

  private static java.util.List<String> iterNames(ObjectNode n) {
    java.util.List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
