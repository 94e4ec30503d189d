package io.erlmcp.runtime.server;

import static io.erlmcp.runtime.server.DispatcherHarness.errorOf;
import static io.erlmcp.runtime.server.DispatcherHarness.resultOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.stateless.RequestStateSealer;
import io.erlmcp.runtime.stateless.StatelessMeta;
import io.erlmcp.runtime.tasks.InMemoryTaskStore;
import io.erlmcp.runtime.tasks.TaskSettings;
import io.erlmcp.runtime.tasks.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Tasks through the dispatcher, both eras: 2025-11-25 task-augmented tools/call with tasks/get,
 * tasks/result, tasks/list, tasks/cancel and the taskSupport errors; the 2026-07-28 extension
 * with server-directed creation, the -32021 gate, tasks/update with partial answers, and a
 * handler that gathers input before it becomes a task.
 */
class McpDispatcherTasksTest {

  /** Handlers of the "gate" tool wait on these; a test completes one to let its call finish. */
  private final List<CompletableFuture<ToolResult>> gates = new CopyOnWriteArrayList<>();

  private final Tool gate =
      Tool.builder("gate")
          .taskSupport(Tool.TaskSupport.OPTIONAL)
          .handler(
              (args, ctx) -> {
                CompletableFuture<ToolResult> f = new CompletableFuture<>();
                gates.add(f);
                return f;
              })
          .build();
  private final Tool onlyTask =
      Tool.builder("only_task")
          .taskSupport(Tool.TaskSupport.REQUIRED)
          .syncHandler((args, ctx) -> ToolResult.text("done"))
          .build();
  private final Tool reporting =
      Tool.builder("reporting")
          .taskSupport(Tool.TaskSupport.OPTIONAL)
          .handler(
              (args, ctx) -> {
                ctx.progress(1, 2.0, "half way");
                return CompletableFuture.completedFuture(ToolResult.text("reported"));
              })
          .build();
  private final Tool asksInTask =
      Tool.builder("asks")
          .taskSupport(Tool.TaskSupport.OPTIONAL)
          .handler(
              (args, ctx) ->
                  ctx.elicit(Json.object().put("message", "sure?"), Duration.ofSeconds(5))
                      .thenApply(
                          r -> ToolResult.text("answer " + r.path("content").path("v").asText())))
          .build();
  private final Tool never =
      Tool.builder("never_task").syncHandler((args, ctx) -> ToolResult.text("plain")).build();
  private final Tool crash =
      Tool.builder("crash")
          .taskSupport(Tool.TaskSupport.OPTIONAL)
          .handler((args, ctx) -> CompletableFuture.failedFuture(new IllegalStateException("x")))
          .build();
  private final Tool twoQuestions =
      Tool.builder("two_questions")
          .taskSupport(Tool.TaskSupport.OPTIONAL)
          .handler(
              (args, ctx) -> {
                CompletableFuture<JsonNode> a =
                    ctx.elicit("a", Json.object().put("message", "a?"), null).toCompletableFuture();
                CompletableFuture<JsonNode> b =
                    ctx.elicit("b", Json.object().put("message", "b?"), null).toCompletableFuture();
                return a.thenCombine(
                    b,
                    (x, y) ->
                        ToolResult.text(
                            x.path("content").path("v").asText()
                                + "+"
                                + y.path("content").path("v").asText()));
              })
          .build();
  private final Tool askFirst =
      Tool.builder("ask_first")
          .taskSupport(Tool.TaskSupport.REQUIRED)
          .inputBeforeTask()
          .handler(
              (args, ctx) ->
                  ctx.elicit("who", Json.object().put("message", "who?"), null)
                      .thenCompose(
                          r ->
                              CompletableFuture.supplyAsync(
                                  () -> ToolResult.text("hi " + r.path("content").path("v").asText()),
                                  CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))))
          .build();

  private final Tasks tasks =
      new Tasks(
          new InMemoryTaskStore(),
          new TaskSettings(
              Duration.ofMinutes(1),
              Duration.ofMinutes(5),
              Duration.ofMillis(50),
              Duration.ofSeconds(30),
              3),
          Executors.newCachedThreadPool());

  private final McpDispatcher dispatcher =
      new McpDispatcher(
          McpServer.builder("s", "1")
              .tool(gate)
              .tool(onlyTask)
              .tool(never)
              .tool(crash)
              .tool(twoQuestions)
              .tool(askFirst)
              .tool(reporting)
              .tool(asksInTask)
              .build(),
          new McpDispatcher.Settings(2, Duration.ofSeconds(5), Duration.ofSeconds(5)),
          tasks);

  private final DispatcherHarness.RecordingOutbound out = new DispatcherHarness.RecordingOutbound();

  /** What the dispatcher handed the session listeners, as "sessionId method params". */
  private final List<String> toSessions = new CopyOnWriteArrayList<>();

  {
    dispatcher
        .server()
        .addListener(
            new McpServer.Listener() {
              @Override
              public void catalogChanged(McpServer.CatalogKind kind) {}

              @Override
              public void resourceUpdated(String uri) {}

              @Override
              public void sessionNotification(String sessionId, String method, JsonNode params) {
                toSessions.add(sessionId + " " + method + " " + params);
              }
            });
  }
  private final AtomicLong ids = new AtomicLong();

  private InMemorySession session(String id, String version) {
    InMemorySession s = new InMemorySession();
    ObjectNode p = DispatcherHarness.initializeParams(version, Json.object());
    McpDispatcher.InitializeOutcome o = dispatcher.initialize(p, id, 1);
    s.execute(o.command()).toCompletableFuture().join();
    s.execute(new SessionCommand.MarkReady(2)).toCompletableFuture().join();
    return s;
  }

  private JsonRpcMessage send(SessionPort s, String method, ObjectNode params) {
    try {
      return dispatcher
          .respond(
              new JsonRpcMessage.Request(RequestId.of(ids.incrementAndGet()), method, params),
              s,
              out,
              new CancellationToken())
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + ": no answer: " + e, e);
    }
  }

  private static ObjectNode call(String tool, String taskJson) {
    ObjectNode p = Json.object().put("name", tool);
    p.putObject("arguments");
    if (taskJson != null) {
      p.set("task", Json.parse(taskJson));
    }
    return p;
  }

  private static ObjectNode taskId(String id) {
    return Json.object().put("taskId", id);
  }

  private static void eventually(String what, java.util.function.BooleanSupplier c) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("not within 5 s: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  private String statusOf(SessionPort s, String id) {
    return resultOf(send(s, "tasks/get", taskId(id))).path("status").asText();
  }

  // ---------------------------------------------------------------- 2025-11-25

  @Test
  void capabilitiesAndToolsListDeclareTasksOn20251125Only() {
    ObjectNode caps = dispatcher.capabilities(ProtocolVersion.V2025_11_25);
    assertTrue(caps.path("tasks").path("requests").path("tools").has("call"));
    assertTrue(caps.path("tasks").has("list"));
    assertTrue(caps.path("tasks").has("cancel"));
    assertFalse(dispatcher.capabilities(ProtocolVersion.V2025_06_18).has("tasks"));
    ObjectNode stateless = dispatcher.capabilities(ProtocolVersion.V2026_07_28);
    assertFalse(stateless.has("tasks"));
    assertTrue(stateless.path("extensions").has(McpDispatcher.TASKS_EXTENSION));
    assertEquals("optional", gate.toJson(ProtocolVersion.V2025_11_25).path("execution").path("taskSupport").asText());
    assertEquals("required", onlyTask.toJson(ProtocolVersion.V2025_11_25).path("execution").path("taskSupport").asText());
    assertFalse(never.toJson(ProtocolVersion.V2025_11_25).has("execution"));
    assertFalse(gate.toJson(ProtocolVersion.V2025_06_18).has("execution"));
    McpDispatcher plain =
        new McpDispatcher(McpServer.builder("p", "1").tool(never).build());
    assertFalse(plain.capabilities(ProtocolVersion.V2025_11_25).has("tasks"));
  }

  @Test
  void aTaskAugmentedCallAnswersAtOnceAndTasksResultWaitsForTheHandler() throws Exception {
    InMemorySession s = session("s1", "2025-11-25");
    ObjectNode created = resultOf(send(s, "tools/call", call("gate", "{\"ttl\":30000}")));
    JsonNode task = created.path("task");
    String id = task.path("taskId").asText();
    assertEquals("working", task.path("status").asText());
    assertEquals(30_000, task.path("ttl").asLong());
    assertEquals(50, task.path("pollInterval").asLong());
    assertTrue(task.path("createdAt").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
    eventually("the handler runs", () -> gates.size() == 1);
    assertEquals("working", statusOf(s, id));

    CompletableFuture<JsonRpcMessage> result =
        dispatcher
            .respond(
                new JsonRpcMessage.Request(RequestId.of(999), "tasks/result", taskId(id)),
                s,
                out,
                new CancellationToken())
            .toCompletableFuture();
    Thread.sleep(150);
    assertFalse(result.isDone(), "tasks/result waits for a terminal state");
    gates.get(0).complete(ToolResult.text("finally"));
    ObjectNode r = resultOf(result.get(5, TimeUnit.SECONDS));
    assertEquals("finally", r.path("content").get(0).path("text").asText());
    assertEquals(id, r.path("_meta").path("io.modelcontextprotocol/related-task").path("taskId").asText());
    assertEquals("completed", statusOf(s, id));
    eventually(
        "a status notification to the session",
        () ->
            toSessions.stream()
                .anyMatch(
                    n ->
                        n.startsWith("s1 notifications/tasks/status")
                            && n.contains("\"status\":\"completed\"")));
  }

  @Test
  void tasksCancelStopsTheRunningHandler() {
    InMemorySession s = session("s1", "2025-11-25");
    String id = resultOf(send(s, "tools/call", call("gate", "{}"))).path("task").path("taskId").asText();
    eventually("the handler runs", () -> gates.size() == 1);
    ObjectNode cancelled = resultOf(send(s, "tasks/cancel", taskId(id)));
    assertEquals("cancelled", cancelled.path("status").asText());
    assertTrue(gates.get(0).isCancelled(), "the handler's future is cancelled");
    // The handler's end is recorded on whichever thread completes its future chain: the cancel can
    // land after the tool made its future but before the executor thread linked it.
    eventually("the handler is no longer counted as running", () -> tasks.runningCount() == 0);
    JsonRpcError again = errorOf(send(s, "tasks/cancel", taskId(id)));
    assertEquals(JsonRpcError.INVALID_PARAMS, again.code());
    assertTrue(again.message().contains("already cancelled"), again.message());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(s, "tasks/result", taskId(id))).code());
    assertEquals("cancelled", statusOf(s, id));
  }

  @Test
  void aHandlerFailureIsAFailedTaskAndTasksResultGivesItsError() {
    InMemorySession s = session("s1", "2025-11-25");
    String id = resultOf(send(s, "tools/call", call("crash", "{}"))).path("task").path("taskId").asText();
    JsonRpcError e = errorOf(send(s, "tasks/result", taskId(id)));
    assertEquals(JsonRpcError.INTERNAL_ERROR, e.code());
    assertEquals("failed", statusOf(s, id));
  }

  @Test
  void taskSupportIsEnforcedWithMethodNotFound() {
    InMemorySession s = session("s1", "2025-11-25");
    JsonRpcError forbidden = errorOf(send(s, "tools/call", call("never_task", "{}")));
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, forbidden.code());
    assertTrue(forbidden.message().contains("forbidden"));
    JsonRpcError required = errorOf(send(s, "tools/call", call("only_task", null)));
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, required.code());
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        errorOf(send(s, "tools/call", call("gate", "{\"ttl\":\"soon\"}"))).code());
    assertEquals(
        "plain",
        resultOf(send(s, "tools/call", call("never_task", null))).path("content").get(0).path("text").asText());
  }

  @Test
  void tasksBelongToTheirSessionAndUnknownIdsAreInvalidParams() {
    InMemorySession mine = session("s1", "2025-11-25");
    InMemorySession other = session("s2", "2025-11-25");
    String id = resultOf(send(mine, "tools/call", call("only_task", "{}"))).path("task").path("taskId").asText();
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(other, "tasks/get", taskId(id))).code());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(other, "tasks/cancel", taskId(id))).code());
    assertEquals(0, resultOf(send(other, "tasks/list", Json.object())).path("tasks").size());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(mine, "tasks/get", taskId("nope"))).code());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(mine, "tasks/get", Json.object())).code());
    assertEquals(
        "done",
        resultOf(send(mine, "tasks/result", taskId(id))).path("content").get(0).path("text").asText());
  }

  @Test
  void tasksListPagesThroughASessionsTasks() {
    InMemorySession s = session("s1", "2025-11-25");
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      made.add(resultOf(send(s, "tools/call", call("only_task", "{}"))).path("task").path("taskId").asText());
    }
    ObjectNode first = resultOf(send(s, "tasks/list", Json.object()));
    assertEquals(2, first.path("tasks").size());
    String cursor = first.path("nextCursor").asText();
    assertFalse(cursor.isEmpty());
    ObjectNode second = resultOf(send(s, "tasks/list", Json.object().put("cursor", cursor)));
    assertEquals(1, second.path("tasks").size());
    assertFalse(second.has("nextCursor"));
    List<String> listed = new ArrayList<>();
    first.path("tasks").forEach(t -> listed.add(t.path("taskId").asText()));
    second.path("tasks").forEach(t -> listed.add(t.path("taskId").asText()));
    assertEquals(made.stream().sorted().toList(), listed.stream().sorted().toList());
    assertEquals(
        JsonRpcError.INVALID_PARAMS,
        errorOf(send(s, "tasks/list", Json.object().put("cursor", "garbage"))).code());
  }

  @Test
  void olderRevisionsHaveNoTasksMethods() {
    InMemorySession s = session("s1", "2025-06-18");
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, errorOf(send(s, "tasks/get", taskId("x"))).code());
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, errorOf(send(s, "tasks/list", Json.object())).code());
    // taskSupport means nothing before 2025-11-25: the call runs as an ordinary one.
    assertEquals(
        "done",
        resultOf(send(s, "tools/call", call("only_task", null))).path("content").get(0).path("text").asText());
  }

  // ---------------------------------------------------------------- 2026-07-28 (extension)

  private final RequestStateSealer sealer = RequestStateSealer.random(Duration.ofMinutes(5));

  private static ObjectNode withMeta(ObjectNode params, boolean extension) {
    ObjectNode m = params.putObject("_meta").put(StatelessMeta.PROTOCOL_VERSION, "2026-07-28");
    ObjectNode caps = m.putObject(StatelessMeta.CLIENT_CAPABILITIES);
    caps.putObject("elicitation");
    if (extension) {
      caps.putObject("extensions").putObject(McpDispatcher.TASKS_EXTENSION);
    }
    return params;
  }

  /** As the edge does: the request's session first (its errors answered), then the dispatcher. */
  private JsonRpcMessage stateless(String method, ObjectNode params) {
    StatelessSession s;
    try {
      s = StatelessSession.of(StatelessMeta.parse(params), method, params, sealer);
    } catch (io.erlmcp.runtime.jsonrpc.JsonRpcException e) {
      return new JsonRpcMessage.ErrorResponse(RequestId.of(0), e.error());
    }
    return send(s, method, params);
  }

  private ObjectNode getTask(String id) {
    return resultOf(stateless("tasks/get", withMeta(taskId(id), true)));
  }

  private ObjectNode awaitTask(String id, Predicate<ObjectNode> until) {
    ObjectNode[] last = new ObjectNode[1];
    eventually("task " + id + " state", () -> until.test(last[0] = getTask(id)));
    return last[0];
  }

  @Test
  void theServerDecidesATaskForAClientThatDeclaredTheExtension() {
    ObjectNode created = resultOf(stateless("tools/call", withMeta(call("gate", null), true)));
    assertEquals("task", created.path("resultType").asText());
    assertFalse(created.has("task"), "flat, no v1 wrapper");
    String id = created.path("taskId").asText();
    assertEquals(60_000, created.path("ttlMs").asLong());
    assertEquals(50, created.path("pollIntervalMs").asLong());
    assertFalse(created.has("ttl") || created.has("pollInterval") || created.has("requestState"));
    ObjectNode working = getTask(id);
    assertEquals("complete", working.path("resultType").asText());
    assertEquals("working", working.path("status").asText());
    assertFalse(working.has("result"));
    eventually("the handler runs", () -> gates.size() == 1);
    gates.get(0).complete(ToolResult.error("tool said no"));
    ObjectNode done = awaitTask(id, t -> t.path("status").asText().equals("completed"));
    assertTrue(done.path("result").path("isError").asBoolean(), "a tool error is completed+isError");
    // The same tool without the extension: an ordinary call.
    CompletableFuture<JsonRpcMessage> sync =
        CompletableFuture.supplyAsync(() -> stateless("tools/call", withMeta(call("gate", null), false)));
    eventually("the second handler runs", () -> gates.size() == 2);
    gates.get(1).complete(ToolResult.text("sync"));
    ObjectNode plain = resultOf(sync.join());
    assertEquals("complete", plain.path("resultType").asText());
    assertFalse(plain.has("taskId"));
  }

  @Test
  void withoutTheExtensionTasksMethodsAndRequiredToolsAreMissingCapability() {
    for (String m : List.of("tasks/get", "tasks/cancel")) {
      JsonRpcError e = errorOf(stateless(m, withMeta(taskId("x"), false)));
      assertEquals(StatelessMeta.MISSING_CLIENT_CAPABILITY, e.code(), m);
    }
    ObjectNode update = taskId("x");
    update.putObject("inputResponses");
    assertEquals(
        StatelessMeta.MISSING_CLIENT_CAPABILITY,
        errorOf(stateless("tasks/update", withMeta(update, false))).code());
    JsonRpcError required = errorOf(stateless("tools/call", withMeta(call("only_task", null), false)));
    assertEquals(StatelessMeta.MISSING_CLIENT_CAPABILITY, required.code());
    assertNotNull(
        required.data().path("requiredCapabilities").path("extensions").get(McpDispatcher.TASKS_EXTENSION));
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, errorOf(stateless("tasks/result", withMeta(taskId("x"), true))).code());
    assertEquals(JsonRpcError.METHOD_NOT_FOUND, errorOf(stateless("tasks/list", withMeta(Json.object(), true))).code());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(stateless("tasks/get", withMeta(taskId("nope"), true))).code());
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(stateless("tasks/cancel", withMeta(taskId("nope"), true))).code());
  }

  @Test
  void aTaskWaitingForInputIsResumedByTasksUpdateAnswerByAnswer() {
    String id =
        resultOf(stateless("tools/call", withMeta(call("two_questions", null), true))).path("taskId").asText();
    ObjectNode waiting = awaitTask(id, t -> t.path("status").asText().equals("input_required"));
    assertEquals(2, waiting.path("inputRequests").size());
    assertEquals("elicitation/create", waiting.path("inputRequests").path("a").path("method").asText());

    ObjectNode partial = taskId(id);
    partial.putObject("inputResponses").putObject("a").put("action", "accept").putObject("content").put("v", "1");
    ObjectNode ack = resultOf(stateless("tasks/update", withMeta(partial, true)));
    assertEquals(Json.parseObject("{\"resultType\":\"complete\"}"), ack);
    ObjectNode stillWaiting = getTask(id);
    assertEquals("input_required", stillWaiting.path("status").asText());
    assertFalse(stillWaiting.path("inputRequests").has("a"));
    assertTrue(stillWaiting.path("inputRequests").has("b"));

    ObjectNode rest = taskId(id);
    ObjectNode responses = rest.putObject("inputResponses");
    responses.putObject("b").put("action", "accept").putObject("content").put("v", "2");
    responses.putObject("unknown").put("ignored", true);
    resultOf(stateless("tasks/update", withMeta(rest, true)));
    ObjectNode done = awaitTask(id, t -> t.path("status").asText().equals("completed"));
    assertEquals("1+2", done.path("result").path("content").get(0).path("text").asText());

    ObjectNode bad = taskId(id);
    bad.put("inputResponses", "nope");
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(stateless("tasks/update", withMeta(bad, true))).code());
  }

  @Test
  void cancelIsAnEmptyAckAndIdempotent() {
    String id = resultOf(stateless("tools/call", withMeta(call("gate", null), true))).path("taskId").asText();
    eventually("the handler runs", () -> gates.size() == 1);
    ObjectNode ack = resultOf(stateless("tasks/cancel", withMeta(taskId(id), true)));
    assertEquals(Json.parseObject("{\"resultType\":\"complete\"}"), ack);
    assertTrue(gates.get(0).isCancelled());
    assertEquals("cancelled", getTask(id).path("status").asText());
    assertEquals(ack, resultOf(stateless("tasks/cancel", withMeta(taskId(id), true))));
  }

  @Test
  void aToolThatAsksFirstBecomesATaskOnlyOnceItHasItsInput() {
    ObjectNode round1 = resultOf(stateless("tools/call", withMeta(call("ask_first", null), true)));
    assertEquals("input_required", round1.path("resultType").asText());
    assertFalse(round1.has("taskId"));
    assertTrue(round1.path("inputRequests").has("who"));

    ObjectNode retry = call("ask_first", null);
    retry.putObject("inputResponses").putObject("who").put("action", "accept").putObject("content").put("v", "Ada");
    retry.put("requestState", round1.path("requestState").asText());
    ObjectNode round2 = resultOf(stateless("tools/call", withMeta(retry, true)));
    assertEquals("task", round2.path("resultType").asText());
    assertFalse(round2.has("requestState"));
    ObjectNode done =
        awaitTask(round2.path("taskId").asText(), t -> t.path("status").asText().equals("completed"));
    assertEquals("hi Ada", done.path("result").path("content").get(0).path("text").asText());
  }

  @Test
  void pastMaxRunningANewTaskIsRefusedAndTheOthersRunOn() {
    InMemorySession s = session("s1", "2025-11-25");
    for (int i = 0; i < 3; i++) {
      resultOf(send(s, "tools/call", call("gate", "{}")));
    }
    eventually("three handlers run", () -> gates.size() == 3 && tasks.runningCount() == 3);
    JsonRpcError busy = errorOf(send(s, "tools/call", call("gate", "{}")));
    assertEquals(JsonRpcError.INTERNAL_ERROR, busy.code());
    assertTrue(busy.message().startsWith("Server busy"), busy.message());
    assertEquals(3, tasks.store().list("s1").toCompletableFuture().join().size(), "none made");
    gates.get(0).complete(ToolResult.text("one done"));
    eventually("a slot frees", () -> tasks.runningCount() == 2);
    resultOf(send(s, "tools/call", call("gate", "{}")));
  }

  @Test
  void aStoppingProcessRecordsItsRunningTasksFailed() {
    InMemorySession s = session("s1", "2025-11-25");
    String id = resultOf(send(s, "tools/call", call("gate", "{}"))).path("task").path("taskId").asText();
    eventually("the handler runs", () -> gates.size() == 1);
    tasks.abandonRunning("stopping").toCompletableFuture().join();
    assertTrue(gates.get(0).isCancelled());
    assertEquals("failed", statusOf(s, id));
    JsonRpcError e = errorOf(send(s, "tasks/result", taskId(id)));
    assertEquals("stopping", e.message());
  }

  @Test
  void aSessionTasksProgressGoesToItsSessionNotToTheClosedRequest() {
    InMemorySession s = session("s1", "2025-11-25");
    ObjectNode p = call("reporting", "{}");
    p.putObject("_meta").put("progressToken", "p-1");
    String id = resultOf(send(s, "tools/call", p)).path("task").path("taskId").asText();
    assertEquals(
        "reported",
        resultOf(send(s, "tasks/result", taskId(id))).path("content").get(0).path("text").asText());
    eventually(
        "progress to the session",
        () ->
            toSessions.stream()
                .anyMatch(n -> n.startsWith("s1 notifications/progress") && n.contains("p-1")));
    assertTrue(out.notificationsOf("notifications/progress").isEmpty());
  }

  @Test
  void aWorkingTaskOfAProcessThatIsGoneIsRecordedFailedWhenRead() {
    InMemorySession s = session("s1", "2025-11-25");
    tasks.liveness(live("p1"));
    String id = resultOf(send(s, "tools/call", call("gate", "{}"))).path("task").path("taskId").asText();
    assertEquals("working", statusOf(s, id), "its process is alive");
    tasks.liveness(live("p2")); // p1 is gone
    ObjectNode t = resultOf(send(s, "tasks/get", taskId(id)));
    assertEquals("failed", t.path("status").asText());
    assertTrue(t.path("statusMessage").asText().contains("stopped"), t.toString());
    assertEquals("failed", resultOf(send(s, "tasks/list", Json.object())).path("tasks").get(0).path("status").asText());
  }

  private static io.erlmcp.runtime.tasks.Tasks.Liveness live(String self) {
    return new io.erlmcp.runtime.tasks.Tasks.Liveness() {
      @Override
      public String self() {
        return self;
      }

      @Override
      public boolean isAlive(String runner) {
        return self.equals(runner);
      }
    };
  }

  @Test
  void aSessionTasksQuestionGoesOutOnTheTasksResultStream() throws Exception {
    InMemorySession s = session("s1", "2025-11-25");
    ObjectNode init = DispatcherHarness.initializeParams("2025-11-25", Json.parseObject("{\"elicitation\":{}}"));
    InMemorySession asking = new InMemorySession();
    asking.execute(dispatcher.initialize(init, "s-elicit", 1).command()).toCompletableFuture().join();
    String id = resultOf(send(asking, "tools/call", call("asks", "{}"))).path("task").path("taskId").asText();
    eventually("input_required", () -> statusOf(asking, id).equals("input_required"));

    DispatcherHarness.RecordingOutbound resultStream = new DispatcherHarness.RecordingOutbound();
    resultStream.answer =
        q -> CompletableFuture.completedFuture(Json.parseObject("{\"action\":\"accept\",\"content\":{\"v\":\"yes\"}}"));
    JsonRpcMessage m =
        dispatcher
            .respond(
                new JsonRpcMessage.Request(RequestId.of(77), "tasks/result", taskId(id)),
                asking,
                resultStream,
                new CancellationToken())
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS);
    assertEquals("answer yes", resultOf(m).path("content").get(0).path("text").asText());
    assertEquals(1, resultStream.requests.size());
    DispatcherHarness.Sent q = resultStream.requests.get(0);
    assertEquals("elicitation/create", q.method());
    assertEquals(id, q.params().path("_meta").path("io.modelcontextprotocol/related-task").path("taskId").asText());
    assertEquals("completed", statusOf(asking, id));
    assertTrue(out.requests.isEmpty(), "nothing went to the closed creating request");
    assertTrue(
        toSessions.stream().anyMatch(n -> n.startsWith("s-elicit notifications/tasks/status") && n.contains("input_required")));
    assertEquals(JsonRpcError.INVALID_PARAMS, errorOf(send(s, "tasks/get", taskId(id))).code(), "another session");
  }
}
