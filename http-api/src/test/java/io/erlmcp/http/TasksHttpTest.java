package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.actors.ErlmcpNode;
import io.erlmcp.actors.Guardian;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import io.erlmcp.transport.McpEdge;
import io.erlmcp.transport.Metrics;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tasks over real HTTP on a real node: a 2025-11-25 session's task-augmented tools/call,
 * tasks/result, tasks/list, and its notifications/tasks/status on the session's GET stream; the
 * 2026-07-28 extension with its routing header (Mcp-Name = taskId), the -32021 gate, removed
 * methods answered 404, and tasks/cancel stopping the running handler; and over stdio, a
 * session task's status on stdout.
 */
class TasksHttpTest {
  private static final String V2 = "2026-07-28";
  private static final CountDownLatch handlerCancelled = new CountDownLatch(1);
  private static ErlmcpNode node;
  private static McpClient client;
  private static Path dir;

  static McpServer server() {
    return McpServer.builder("tasks-http", "1")
        .tool(
            Tool.builder("work")
                .taskSupport(Tool.TaskSupport.OPTIONAL)
                .handler(
                    (args, ctx) ->
                        CompletableFuture.supplyAsync(
                            () -> ToolResult.text("worked " + args.path("n").asText()),
                            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS)))
                .build())
        .tool(
            Tool.builder("asks")
                .taskSupport(Tool.TaskSupport.OPTIONAL)
                .handler(
                    (args, ctx) ->
                        ctx.elicit(Json.object().put("message", "sure?"), Duration.ofSeconds(10))
                            .thenApply(
                                r ->
                                    ToolResult.text(
                                        "answer " + r.path("content").path("v").asText())))
                .build())
        .tool(
            Tool.builder("forever")
                .taskSupport(Tool.TaskSupport.REQUIRED)
                .handler(
                    (args, ctx) -> {
                      CompletableFuture<ToolResult> f = new CompletableFuture<>();
                      ctx.cancellation().onCancel(handlerCancelled::countDown);
                      return f;
                    })
                .build())
        .build();
  }

  @BeforeAll
  static void start() throws Exception {
    dir = TestNode.tempDir();
    Config config =
        ConfigFactory.parseString(
                TestNode.baseSettings("")
                    + "pekko.persistence.journal.plugin = \"pekko.persistence.journal.inmem\"\n"
                    + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
                    + "pekko.persistence.snapshot-store.local.dir = \""
                    + dir.resolve("snapshots").toString().replace("\\", "/")
                    + "\"\n")
            .withFallback(ConfigFactory.load())
            .resolve();
    CompletableFuture<InetSocketAddress> bound = new CompletableFuture<>();
    node =
        ErlmcpNode.start(
            "tasks-http-test",
            config,
            server(),
            List.of(
                new Guardian.TransportSpec(
                    "http",
                    core ->
                        HttpTransport.create(
                            core,
                            new McpEdge(core, new Metrics()),
                            HttpSettings.from(config).withAddress("127.0.0.1", 0),
                            bound))),
            Duration.ofSeconds(30));
    InetSocketAddress addr = bound.get(30, TimeUnit.SECONDS);
    client = new McpClient(URI.create("http://127.0.0.1:" + addr.getPort() + "/mcp"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (dir != null) {
      TestNode.deleteTree(dir);
    }
  }

  // ---------------------------------------------------------------- 2025-11-25

  @Test
  void aSessionTaskReportsItsStatusOnTheGetStreamAndTasksResultGivesTheResult() throws Exception {
    McpClient.Session s = client.initialize("2025-11-25");
    try (Sse get = client.get(s, null)) {
      ObjectNode call = Json.object().put("name", "work");
      call.putObject("arguments").put("n", "7");
      call.putObject("task").put("ttl", 120_000);
      JsonNode created = client.call(s, McpClient.request(1, "tools/call", call)).path("result");
      String id = created.path("task").path("taskId").asText();
      assertEquals("working", created.path("task").path("status").asText());
      assertEquals(120_000, created.path("task").path("ttl").asLong());

      JsonNode result =
          client
              .call(s, McpClient.request(2, "tasks/result", Json.object().put("taskId", id)))
              .path("result");
      assertEquals("worked 7", result.path("content").get(0).path("text").asText());
      assertEquals(
          id, result.path("_meta").path("io.modelcontextprotocol/related-task").path("taskId").asText());

      JsonNode status = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (status == null && System.nanoTime() < end) {
        Sse.Event e = get.next(Duration.ofSeconds(10));
        if (e.data() != null && !e.data().isEmpty()) {
          JsonNode n = e.json();
          if ("notifications/tasks/status".equals(n.path("method").asText())) {
            status = n.path("params");
          }
        }
      }
      assertTrue(status != null, "notifications/tasks/status on the GET stream");
      assertEquals(id, status.path("taskId").asText());
      assertEquals("completed", status.path("status").asText());

      JsonNode list = client.call(s, McpClient.request(3, "tasks/list", Json.object())).path("result");
      assertEquals(id, list.path("tasks").get(0).path("taskId").asText());
      JsonNode again =
          client.call(s, McpClient.request(4, "tasks/cancel", Json.object().put("taskId", id)));
      assertEquals(-32602, again.path("error").path("code").asInt(), again.toString());
    }
  }

  @Test
  void aSessionTasksQuestionIsAskedOnTheTasksResultStreamAndAnsweredByPost() throws Exception {
    ObjectNode init = Json.object().put("protocolVersion", "2025-11-25");
    init.putObject("capabilities").putObject("elicitation");
    init.putObject("clientInfo").put("name", "http-task-client").put("version", "1");
    HttpResponse<String> r = client.post(null, McpClient.request(0, "initialize", init));
    McpClient.Session s =
        new McpClient.Session(r.headers().firstValue("Mcp-Session-Id").orElseThrow(), "2025-11-25");
    assertEquals(202, client.post(s, McpClient.notification("notifications/initialized", null)).statusCode());
    ObjectNode call = Json.object().put("name", "asks");
    call.putObject("task");
    String id =
        client.call(s, McpClient.request(1, "tools/call", call)).at("/result/task/taskId").asText();

    try (Sse result = client.postSse(s, McpClient.request(2, "tasks/result", Json.object().put("taskId", id)))) {
      JsonNode question = null;
      JsonNode answer = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (answer == null && System.nanoTime() < end) {
        Sse.Event e = result.next(Duration.ofSeconds(15));
        if (e.data() == null || e.data().isEmpty()) {
          continue;
        }
        JsonNode m = e.json();
        if ("elicitation/create".equals(m.path("method").asText())) {
          question = m;
          ObjectNode reply = Json.object().put("jsonrpc", "2.0");
          reply.set("id", m.get("id"));
          reply.putObject("result").put("action", "accept").putObject("content").put("v", "over http");
          assertEquals(202, client.post(s, reply.toString()).statusCode());
        } else if (m.path("id").asInt(-1) == 2) {
          answer = m;
        }
      }
      assertTrue(question != null, "the task's question came on the tasks/result stream");
      assertEquals(
          id, question.at("/params/_meta/io.modelcontextprotocol~1related-task/taskId").asText());
      assertTrue(answer != null, "tasks/result answered");
      assertEquals("answer over http", answer.at("/result/content/0/text").asText());
    }
  }

  // ---------------------------------------------------------------- 2026-07-28

  static ObjectNode meta(ObjectNode p, boolean extension) {
    ObjectNode m = p.putObject("_meta").put("io.modelcontextprotocol/protocolVersion", V2);
    ObjectNode caps = m.putObject("io.modelcontextprotocol/clientCapabilities");
    if (extension) {
      caps.putObject("extensions").putObject("io.modelcontextprotocol/tasks");
    }
    return p;
  }

  static HttpResponse<String> post(Object id, String method, String name, JsonNode params) {
    var b =
        client
            .postBuilder(null, McpClient.request(id, method, params), McpClient.BOTH)
            .header("MCP-Protocol-Version", V2)
            .header("Mcp-Method", method);
    if (name != null) {
      b.header("Mcp-Name", name);
    }
    return client.send(b.build());
  }

  @Test
  void theExtensionOverHttpCreatesRoutesAndCancelsTasks() throws Exception {
    ObjectNode call = meta(Json.object().put("name", "forever"), true);
    HttpResponse<String> created = post(10, "tools/call", "forever", call);
    assertEquals(200, created.statusCode(), created.body());
    JsonNode task = McpClient.body(created).path("result");
    assertEquals("task", task.path("resultType").asText());
    String id = task.path("taskId").asText();

    HttpResponse<String> get = post(11, "tasks/get", id, meta(Json.object().put("taskId", id), true));
    assertEquals(200, get.statusCode(), get.body());
    assertEquals("working", McpClient.body(get).path("result").path("status").asText());

    HttpResponse<String> wrongName =
        post(12, "tasks/get", "not-" + id, meta(Json.object().put("taskId", id), true));
    assertEquals(400, wrongName.statusCode());
    assertEquals(-32020, McpClient.body(wrongName).path("error").path("code").asInt());

    HttpResponse<String> noExtension =
        post(13, "tasks/get", id, meta(Json.object().put("taskId", id), false));
    assertEquals(400, noExtension.statusCode());
    assertEquals(-32021, McpClient.body(noExtension).path("error").path("code").asInt());

    HttpResponse<String> required =
        post(14, "tools/call", "forever", meta(Json.object().put("name", "forever"), false));
    assertEquals(400, required.statusCode());
    assertEquals(-32021, McpClient.body(required).path("error").path("code").asInt());

    HttpResponse<String> removed = post(15, "tasks/result", null, meta(Json.object().put("taskId", id), true));
    assertEquals(404, removed.statusCode(), removed.body());

    HttpResponse<String> unknown =
        post(16, "tasks/get", "nope", meta(Json.object().put("taskId", "nope"), true));
    assertEquals(400, unknown.statusCode());
    assertEquals(-32602, McpClient.body(unknown).path("error").path("code").asInt());

    HttpResponse<String> cancel = post(17, "tasks/cancel", id, meta(Json.object().put("taskId", id), true));
    assertEquals(200, cancel.statusCode(), cancel.body());
    assertEquals(
        Json.parseObject("{\"resultType\":\"complete\"}"), McpClient.body(cancel).path("result"));
    assertTrue(handlerCancelled.await(5, TimeUnit.SECONDS), "the running handler is cancelled");
    JsonNode after =
        McpClient.body(post(18, "tasks/get", id, meta(Json.object().put("taskId", id), true)))
            .path("result");
    assertEquals("cancelled", after.path("status").asText());
    assertFalse(after.has("result"));
  }

  // ---------------------------------------------------------------- stdio

  @Test
  void overStdioASessionTasksStatusComesOnStdout() throws Exception {
    java.io.PipedInputStream in = new java.io.PipedInputStream(1 << 16);
    java.io.PipedOutputStream stdin = new java.io.PipedOutputStream(in);
    java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
    java.io.OutputStream sink =
        new java.io.OutputStream() {
          private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

          @Override
          public synchronized void write(int b) {
            if (b == '\n') {
              lines.add(line.toString(java.nio.charset.StandardCharsets.UTF_8));
              line.reset();
            } else {
              line.write(b);
            }
          }
        };
    node.system()
        .systemActorOf(
            io.erlmcp.transport.StdioTransport.create(
                new McpEdge(node.core(), new Metrics()), in, sink, () -> {}),
            "stdio-tasks",
            org.apache.pekko.actor.typed.Props.empty());
    java.util.function.Consumer<String> send =
        l -> {
          try {
            stdin.write((l + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            stdin.flush();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
    send.accept(McpClient.request(1, "initialize", McpClient.initParams("2025-11-25")));
    assertEquals("2025-11-25", Json.parse(lines.poll(10, TimeUnit.SECONDS)).at("/result/protocolVersion").asText());
    send.accept(McpClient.notification("notifications/initialized", null));
    ObjectNode call = Json.object().put("name", "work");
    call.putObject("arguments").put("n", "9");
    call.putObject("task");
    send.accept(McpClient.request(2, "tools/call", call));
    String id = null;
    JsonNode status = null;
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (status == null && System.nanoTime() < end) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l == null) {
        continue;
      }
      JsonNode n = Json.parse(l);
      if (n.path("id").asInt() == 2) {
        id = n.at("/result/task/taskId").asText();
      } else if ("notifications/tasks/status".equals(n.path("method").asText())) {
        status = n.path("params");
      }
    }
    assertTrue(status != null, "notifications/tasks/status on stdout");
    assertEquals(id, status.path("taskId").asText());
    assertEquals("completed", status.path("status").asText());
    stdin.close();
  }
}
