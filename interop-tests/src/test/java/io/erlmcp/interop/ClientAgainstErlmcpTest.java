package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.client.LogMessage;
import io.erlmcp.client.McpClient;
import io.erlmcp.client.McpErrorException;
import io.erlmcp.client.McpTransportException;
import io.erlmcp.client.RequestOptions;
import io.erlmcp.client.ServerInfo;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * erlmcp's client SDK ({@code client/}) against a real erlmcp node ({@code bin/erlmcp serve --http ... --server conformance
 * --journal embedded}, its own process): every session revision, server-to-client requests, the
 * stateless 2026-07-28 revision with {@code input_required} round trips, and an SSE stream cut by
 * the network and resumed with {@code Last-Event-ID}.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientAgainstErlmcpTest {
  private Process node;
  private int port;
  private java.nio.file.Path log;
  private final CountingCallbacks callbacks = new CountingCallbacks();
  private final AtomicInteger elicited = callbacks.elicited;
  private final AtomicInteger sampled = callbacks.sampled;
  private final AtomicInteger rootsAsked = callbacks.rootsAsked;

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  @BeforeAll
  void startNode() throws Exception {
    port = ErlmcpServer.freePort();
    Path data = ErlmcpServer.newDataDir("client-sdk");
    log = ErlmcpServer.newLogFile("client-sdk");
    node =
        new ProcessBuilder(
                ErlmcpServer.erlmcpCommand(), "serve", "--http", "127.0.0.1:" + port,
                "--server", "conformance", "--journal", "embedded", "--data-dir", data.toString(),
                "--management", "off", "--metrics", "off")
            .directory(ErlmcpServer.repoRoot().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // wait until it serves: a client connects and pings
    long deadline = System.nanoTime() + ErlmcpServer.STARTUP_TIMEOUT.toNanos();
    while (true) {
      try (McpClient c = McpClient.http(url("/mcp")).build()) {
        c.connect().join();
        c.ping().join();
        return;
      } catch (CompletionException e) {
        if (System.nanoTime() > deadline || !node.isAlive()) {
          throw new IllegalStateException("erlmcp never answered; log " + log, e);
        }
        Thread.sleep(500);
      }
    }
  }

  @AfterAll
  void stopNode() throws InterruptedException {
    if (node != null) {
      node.destroy();
      if (!node.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
        node.destroyForcibly();
      }
    }
  }

  static String text(JsonNode toolResult) {
    StringBuilder b = new StringBuilder();
    toolResult.path("content").forEach(c -> b.append(c.path("text").asText("")));
    return b.toString();
  }

  static List<String> names(JsonNode list, String field) {
    List<String> out = new java.util.ArrayList<>();
    list.path(field).forEach(t -> out.add(t.path("name").asText()));
    return out;
  }

  private McpClient.Builder client(String url) {
    return callbacks.install(McpClient.http(url).requestTimeout(Duration.ofSeconds(30)));
  }

  @ParameterizedTest
  @EnumSource(value = ProtocolVersion.class, names = {"V2024_11_05", "V2025_03_26", "V2025_06_18", "V2025_11_25"})
  void negotiatesEverySessionRevision(ProtocolVersion v) {
    try (McpClient c = client(url("/mcp")).protocolVersion(v).build()) {
      ServerInfo info = c.connect().join();
      assertEquals(v, info.protocolVersion());
      assertEquals(v, c.protocolVersion());
      assertTrue(info.sessionId() != null && !info.sessionId().isEmpty());
      assertTrue(text(c.callTool("test_simple_text", Json.object()).join()).length() > 0);
    }
  }

  @Test
  void aSessionServesEveryMethodAndServerToClientRequest() {
    List<LogMessage> logs = new CopyOnWriteArrayList<>();
    List<RequestOptions.Progress> progress = new CopyOnWriteArrayList<>();
    try (McpClient c = client(url("/mcp")).onLog(logs::add).build()) {
      c.connect().join();
      assertTrue(c.ping().join().isObject());
      assertTrue(c.setLogLevel(LogLevel.DEBUG).join().isObject());
      assertTrue(names(c.listTools().join(), "tools").contains("test_sampling"));
      assertTrue(text(c.callTool("test_sampling", Json.object().put("prompt", "capital?")).join()).contains("Paris"));
      assertTrue(sampled.get() > 0);
      int before = elicited.get();
      JsonNode e = c.callTool("test_elicitation", Json.object().put("message", "who?")).join();
      assertTrue(elicited.get() > before, e.toString());
      c.callTool("test_tool_with_logging", Json.object()).join();
      assertFalse(logs.isEmpty(), "no notifications/message");
      JsonNode withProgress = c.callTool("test_tool_with_progress", Json.object(), RequestOptions.progress(progress::add)).join();
      assertEquals(3, progress.size(), progress.toString());
      assertTrue(text(withProgress).startsWith("progress-"), withProgress.toString());
      assertEquals("test://static-text", c.readResource("test://static-text").join().path("contents").get(0).path("uri").asText());
      assertTrue(c.listResources().join().path("resources").size() > 0);
      assertTrue(c.listResourceTemplates().join().path("resourceTemplates").size() > 0);
      assertTrue(c.subscribe("test://static-text").join().isObject());
      assertTrue(c.unsubscribe("test://static-text").join().isObject());
      assertTrue(c.listPrompts().join().path("prompts").size() > 0);
      assertTrue(c.getPrompt("test_simple_prompt", Map.of()).join().path("messages").size() > 0);
      JsonNode ref = Json.object().put("type", "ref/prompt").put("name", "test_prompt_with_arguments");
      assertTrue(c.complete(ref, "arg1", "", Map.of()).join().path("completion").has("values"));
      CompletionException err = assertThrows(CompletionException.class, () -> c.readResource("test://no-such").join());
      McpErrorException me = assertInstanceOf(McpErrorException.class, err.getCause());
      assertEquals(-32002, me.code());
    }
  }

  @Test
  void statelessRevisionDiscoversAndAnswersInputRequiredThroughTheCallbacks() {
    try (McpClient c = client(url("/mcp")).protocolVersion(ProtocolVersion.V2026_07_28).build()) {
      ServerInfo info = c.connect().join();
      assertEquals(ProtocolVersion.V2026_07_28, info.protocolVersion());
      assertNull(c.sessionId(), "2026-07-28 has no session");
      assertTrue(info.supportedVersions().containsAll(List.of("2026-07-28", "2025-11-25", "2024-11-05")), info.supportedVersions().toString());
      int e0 = elicited.get();
      int s0 = sampled.get();
      int r0 = rootsAsked.get();
      JsonNode all = c.callTool("test_input_required_result_multiple_inputs", Json.object()).join();
      assertEquals("name=Ada, greeting=Paris, roots=1", text(all), all.toString());
      assertTrue(elicited.get() > e0 && sampled.get() > s0 && rootsAsked.get() > r0);
      JsonNode twoRounds = c.callTool("test_input_required_result_multi_round", Json.object()).join();
      assertEquals("Ada likes teal", text(twoRounds), twoRounds.toString());
      JsonNode state = c.callTool("test_input_required_result_request_state", Json.object()).join();
      assertEquals("state-ok: confirmed=true", text(state));
      assertEquals("complete", state.path("resultType").asText());
      // the removed session methods are refused locally, with the reason
      CompletionException err = assertThrows(CompletionException.class, () -> c.subscribe("test://static-text").join());
      assertEquals(-32601, assertInstanceOf(McpErrorException.class, err.getCause()).code());
      assertTrue(c.readResource("test://static-text").join().path("contents").size() > 0);
    }
  }

  @Test
  void aSessionEndedByTheServerIsTransportLoss() throws Exception {
    try (McpClient c = client(url("/mcp")).build()) {
      c.connect().join();
      // someone else ends the session (an operator, another node after a DELETE)
      java.net.http.HttpResponse<String> del =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/mcp")))
                      .header("Mcp-Session-Id", c.sessionId())
                      .header("MCP-Protocol-Version", "2025-11-25")
                      .DELETE()
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, del.statusCode());
      CompletionException e = assertThrows(CompletionException.class, () -> c.ping().join());
      McpTransportException t = assertInstanceOf(McpTransportException.class, e.getCause());
      assertEquals(404, t.httpStatus(), t.getMessage());
      assertInstanceOf(McpTransportException.class, assertThrows(CompletionException.class, () -> c.listTools().join()).getCause());
    }
  }

  @Test
  void aStreamCutByTheNetworkIsResumedWithLastEventId() throws Exception {
    try (CuttingProxy proxy = new CuttingProxy(port, "notifications/progress");
        McpClient c = client("http://127.0.0.1:" + proxy.port() + "/mcp").build()) {
      c.connect().join();
      List<RequestOptions.Progress> progress = new CopyOnWriteArrayList<>();
      JsonNode r = c.callTool("test_tool_with_progress", Json.object(), RequestOptions.progress(progress::add)).join();
      assertTrue(proxy.didCut(), "the proxy never cut the stream");
      assertTrue(proxy.sawLastEventId(), "the client did not resume with Last-Event-ID");
      assertTrue(text(r).startsWith("progress-"), r.toString());
      assertEquals(List.of(0.0, 50.0, 100.0), progress.stream().map(RequestOptions.Progress::progress).toList());
    }
  }

  @Test
  void theSessionsGetStreamCutByTheNetworkIsReopenedWithLastEventId() throws Exception {
    List<String> changes = new CopyOnWriteArrayList<>();
    try (CuttingProxy proxy = new CuttingProxy(port, "notifications/prompts/list_changed");
        McpClient c =
            client("http://127.0.0.1:" + proxy.port() + "/mcp")
                .onNotification((method, params) -> {
                  if (method.equals("notifications/prompts/list_changed")) {
                    changes.add(method);
                  }
                })
                .build()) {
      c.connect().join();
      await(() -> proxy.getRequests() >= 1, "the client never opened its GET stream");
      c.callTool("test_trigger_prompt_change", Json.object()).join();
      await(proxy::didCut, "no list_changed reached the GET stream");
      await(proxy::sawLastEventId, "the client did not reopen its GET stream with Last-Event-ID");
      int before = changes.size();
      c.callTool("test_trigger_prompt_change", Json.object()).join();
      await(() -> changes.size() >= before + 2, "no list_changed on the reopened stream: " + changes);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String failure)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure);
      }
      Thread.sleep(50);
    }
  }

  @Test
  void tasksAreCreatedPolledListedAnsweredAndCancelled() throws Exception {
    java.util.concurrent.BlockingQueue<JsonNode> statuses = new java.util.concurrent.LinkedBlockingQueue<>();
    try (McpClient c =
        client(url("/mcp"))
            .onNotification((m, p) -> {
              if (m.equals("notifications/tasks/status")) {
                statuses.add(p);
              }
            })
            .build()) {
      ServerInfo info = c.connect().join();
      assertTrue(info.capabilities().path("tasks").path("requests").path("tools").has("call"), info.capabilities().toString());

      JsonNode created = c.callToolAsTask("slow_compute", Json.object().put("seconds", 1).put("label", "t1"), Duration.ofMinutes(1)).join();
      String id = created.path("task").path("taskId").asText();
      assertEquals("working", created.path("task").path("status").asText(), created.toString());
      assertEquals(60000, created.path("task").path("ttl").asLong());
      assertEquals(id, c.getTask(id).join().path("taskId").asText());
      JsonNode result = c.taskResult(id).join();
      assertEquals("Computed t1 after 1 s", text(result), result.toString());
      assertEquals(id, result.path("_meta").path("io.modelcontextprotocol/related-task").path("taskId").asText());
      assertEquals("completed", c.getTask(id).join().path("status").asText());

      // a task that asks the client: the question arrives on tasks/result, the handler answers
      int before = elicited.get();
      String ask = c.callToolAsTask("confirm_delete", Json.object().put("filename", "a.txt"), null).join().path("task").path("taskId").asText();
      assertEquals("Deleted a.txt", text(c.taskResult(ask).join()));
      assertEquals(before + 1, elicited.get());

      // a protocol failure ends the task failed: tasks/result answers its JSON-RPC error
      String broken = c.callToolAsTask("protocol_error_job", Json.object(), null).join().path("task").path("taskId").asText();
      CompletionException failed = assertThrows(CompletionException.class, () -> c.taskResult(broken).join());
      assertInstanceOf(McpErrorException.class, failed.getCause());

      String slow = c.callToolAsTask("slow_compute", Json.object().put("seconds", 60), null).join().path("task").path("taskId").asText();
      assertEquals("cancelled", c.cancelTask(slow).join().path("status").asText());
      CompletionException again = assertThrows(CompletionException.class, () -> c.cancelTask(slow).join());
      assertEquals(-32602, assertInstanceOf(McpErrorException.class, again.getCause()).code());

      List<String> listed = new java.util.ArrayList<>();
      c.listTasks().join().path("tasks").forEach(t -> listed.add(t.path("taskId").asText()));
      assertEquals(List.of(id, ask, broken, slow), listed);

      CompletionException unknown = assertThrows(CompletionException.class, () -> c.getTask("no-such-task").join());
      assertEquals(-32602, assertInstanceOf(McpErrorException.class, unknown.getCause()).code());
      // a call without params.task of a REQUIRED tool is refused
      CompletionException required = assertThrows(CompletionException.class, () -> c.callTool("failing_job", Json.object()).join());
      assertEquals(-32601, assertInstanceOf(McpErrorException.class, required.getCause()).code());

      JsonNode s;
      boolean sawCompleted = false;
      while ((s = statuses.poll(5, java.util.concurrent.TimeUnit.SECONDS)) != null && !sawCompleted) {
        sawCompleted = s.path("taskId").asText().equals(id) && s.path("status").asText().equals("completed");
      }
      assertTrue(sawCompleted, "no notifications/tasks/status completed for " + id);
    }
  }

  @Test
  void theTasksExtensionOfTheStatelessRevision() throws Exception {
    ObjectNode caps = Json.object();
    caps.putObject("extensions").putObject("io.modelcontextprotocol/tasks");
    try (McpClient c = client(url("/mcp")).protocolVersion(ProtocolVersion.V2026_07_28).capabilities(caps).build()) {
      c.connect().join();
      JsonNode created = c.callTool("confirm_delete", Json.object().put("filename", "b.txt")).join();
      assertEquals("task", created.path("resultType").asText(), created.toString());
      String id = created.path("taskId").asText();
      JsonNode t = c.getTask(id).join();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
      while (!t.path("status").asText().equals("input_required") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        t = c.getTask(id).join();
      }
      assertTrue(t.path("inputRequests").has("confirm_delete"), t.toString());
      ObjectNode answer = Json.object();
      answer.putObject("confirm_delete").put("action", "accept").putObject("content").put("confirm", true);
      assertEquals("complete", c.updateTask(id, answer).join().path("resultType").asText());
      while (!t.path("status").asText().equals("completed") && System.nanoTime() < deadline) {
        Thread.sleep(200);
        t = c.getTask(id).join();
      }
      assertEquals("Deleted b.txt", text(t.path("result")), t.toString());
      assertEquals("complete", c.cancelTask(id).join().path("resultType").asText());
    }
  }
}
