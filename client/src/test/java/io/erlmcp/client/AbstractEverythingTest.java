package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client against the official reference server, {@code @modelcontextprotocol/server-everything}:
 * every method it offers, its server-to-client requests (sampling, elicitation, roots), progress,
 * logging, timeouts and cancellation. Subclasses pick the transport.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractEverythingTest {
  static final String ROOT_URI = "file:///tmp/erlmcp-client-root";

  McpClient client;
  final List<JsonNode> samplingRequests = new CopyOnWriteArrayList<>();
  final List<JsonNode> elicitations = new CopyOnWriteArrayList<>();
  final LinkedBlockingQueue<LogMessage> logs = new LinkedBlockingQueue<>();
  volatile int rootsAsked;

  /** The transport-specific builder. */
  abstract McpClient.Builder builder();

  @BeforeAll
  void connect() {
    client =
        builder()
            .clientInfo("erlmcp-client-test", "1.0")
            .requestTimeout(Duration.ofSeconds(30))
            .sampling(
                params -> {
                  samplingRequests.add(params);
                  ObjectNode r = Json.object().put("role", "assistant").put("model", "test-model");
                  r.putObject("content").put("type", "text").put("text", "sampled by the erlmcp client test");
                  r.put("stopReason", "endTurn");
                  return CompletableFuture.completedFuture(r);
                })
            .elicitation(
                params -> {
                  elicitations.add(params);
                  return CompletableFuture.completedFuture(Json.object().put("action", "decline"));
                })
            .roots(
                params -> {
                  rootsAsked++;
                  ObjectNode r = Json.object();
                  r.putArray("roots").addObject().put("uri", ROOT_URI).put("name", "test root");
                  return CompletableFuture.completedFuture(r);
                })
            .onLog(logs::add)
            .build();
    ServerInfo info = client.connect().join();
    assertNotNull(info.name(), "serverInfo.name");
  }

  @AfterAll
  void close() {
    if (client != null) {
      client.close();
    }
  }

  static List<String> names(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.path(field).forEach(t -> out.add(t.path("name").asText()));
    return out;
  }

  static String text(JsonNode toolResult) {
    StringBuilder b = new StringBuilder();
    toolResult.path("content").forEach(c -> b.append(c.path("text").asText("")));
    return b.toString();
  }

  @Test
  void negotiatesTheNewestSessionRevision() {
    assertEquals(ProtocolVersion.V2025_11_25, client.protocolVersion());
    assertTrue(client.serverInfo().has("tools"));
  }

  @Test
  void ping() {
    assertTrue(client.ping().join().isObject());
  }

  @Test
  void listsToolsIncludingThoseForDeclaredCapabilities() {
    List<String> tools = names(client.listTools().join(), "tools");
    assertTrue(tools.containsAll(List.of("echo", "get-sum", "trigger-long-running-operation", "trigger-sampling-request", "trigger-elicitation-request", "get-roots-list")), tools.toString());
  }

  @Test
  void callsTools() {
    JsonNode echo = client.callTool("echo", Json.object().put("message", "héllo ✓")).join();
    assertTrue(text(echo).contains("héllo ✓"), echo.toString());
    JsonNode sum = client.callTool("get-sum", Json.object().put("a", 2).put("b", 40)).join();
    assertTrue(text(sum).contains("42"), sum.toString());
  }

  @Test
  void deliversProgressToTheRequestsListener() {
    List<RequestOptions.Progress> seen = new CopyOnWriteArrayList<>();
    JsonNode r =
        client.callTool("trigger-long-running-operation", Json.object().put("duration", 1).put("steps", 3),
            RequestOptions.progress(seen::add)).join();
    assertFalse(r.path("isError").asBoolean(), r.toString());
    assertEquals(3, seen.size(), seen.toString());
    assertEquals(3.0, seen.get(2).progress());
    assertEquals(3.0, seen.get(2).total());
  }

  @Test
  void answersSamplingThroughTheCallback() {
    JsonNode r = client.callTool("trigger-sampling-request", Json.object().put("prompt", "say hi").put("maxTokens", 20)).join();
    assertFalse(samplingRequests.isEmpty());
    assertTrue(samplingRequests.get(0).path("messages").isArray());
    assertTrue(r.toString().contains("sampled by the erlmcp client test"), r.toString());
  }

  @Test
  void answersElicitationThroughTheCallback() {
    JsonNode r = client.callTool("trigger-elicitation-request", Json.object()).join();
    assertFalse(elicitations.isEmpty());
    assertTrue(elicitations.get(0).has("requestedSchema"), elicitations.get(0).toString());
    assertTrue(r.toString().toLowerCase().contains("decline"), r.toString());
  }

  @Test
  void answersRootsThroughTheCallback() {
    JsonNode r = client.callTool("get-roots-list", Json.object()).join();
    assertTrue(rootsAsked > 0);
    assertTrue(r.toString().contains(ROOT_URI), r.toString());
  }

  @Test
  void resources() {
    JsonNode list = client.listResources().join();
    assertTrue(list.path("resources").size() > 0, list.toString());
    String uri = list.path("resources").get(0).path("uri").asText();
    JsonNode read = client.readResource(uri).join();
    assertEquals(uri, read.path("contents").get(0).path("uri").asText());
    JsonNode templates = client.listResourceTemplates().join();
    assertTrue(templates.path("resourceTemplates").size() > 0, templates.toString());
    assertTrue(client.subscribe(uri).join().isObject());
    assertTrue(client.unsubscribe(uri).join().isObject());
  }

  @Test
  void promptsAndCompletion() {
    List<String> prompts = names(client.listPrompts().join(), "prompts");
    assertTrue(prompts.containsAll(List.of("simple-prompt", "args-prompt", "completable-prompt")), prompts.toString());
    assertTrue(client.getPrompt("simple-prompt", Map.of()).join().path("messages").size() > 0);
    JsonNode withArgs = client.getPrompt("args-prompt", Map.of("city", "Lisbon")).join();
    assertTrue(withArgs.toString().contains("Lisbon"), withArgs.toString());
    JsonNode ref = Json.object().put("type", "ref/prompt").put("name", "completable-prompt");
    JsonNode dept = client.complete(ref, "department", "Eng", Map.of()).join();
    assertEquals("Engineering", dept.path("completion").path("values").get(0).asText(), dept.toString());
    JsonNode name = client.complete(ref, "name", "", Map.of("department", "Sales")).join();
    assertTrue(name.path("completion").path("values").toString().contains("Eve"), name.toString());
  }

  @Test
  void deliversLogMessagesAtTheChosenLevel() throws InterruptedException {
    client.setLogLevel(LogLevel.DEBUG).join();
    logs.clear();
    client.callTool("toggle-simulated-logging", Json.object()).join();
    try {
      LogMessage m = logs.poll(10, TimeUnit.SECONDS);
      assertNotNull(m, "no notifications/message within 10 s");
      assertNotNull(m.level());
    } finally {
      client.callTool("toggle-simulated-logging", Json.object()).join();
    }
  }

  @Test
  void anUnknownToolIsAnError() {
    try {
      JsonNode r = client.callTool("no-such-tool", Json.object()).join();
      assertTrue(r.path("isError").asBoolean(), r.toString());
    } catch (CompletionException e) {
      assertInstanceOf(McpErrorException.class, e.getCause());
    }
  }

  @Test
  void aRequestPastItsTimeoutFailsWithTimeoutAndTheClientCarriesOn() {
    long t0 = System.nanoTime();
    CompletableFuture<JsonNode> slow =
        client.callTool("trigger-long-running-operation", Json.object().put("duration", 10).put("steps", 10),
            RequestOptions.timeout(Duration.ofMillis(300)).withProgress(p -> {}));
    CompletionException e = assertThrows(CompletionException.class, slow::join);
    assertInstanceOf(McpTimeoutException.class, e.getCause());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
    assertTrue(client.ping().join().isObject());
  }

  @Test
  void cancellingAFutureCancelsTheRequest() {
    CompletableFuture<JsonNode> slow =
        client.callTool("trigger-long-running-operation", Json.object().put("duration", 10).put("steps", 10));
    assertTrue(slow.cancel(true));
    assertThrows(CancellationException.class, slow::join);
    assertTrue(client.ping().join().isObject());
  }
}
