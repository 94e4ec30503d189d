package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.actors.Core;
import io.erlmcp.actors.ErlmcpNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.SessionPort;
import io.erlmcp.runtime.server.StatelessSession;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import io.erlmcp.runtime.stateless.RequestStateSealer;
import io.erlmcp.runtime.stateless.StatelessMeta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A task's status and result survive the node: a whole erlmcp node (guardian, sharded task
 * entities, the configured journal) creates tasks of both eras, stops; a new node on the same
 * journal reads them back, resumes the one that waits for input, and serves tasks/result and
 * tasks/list of the session's task. Subclasses give the journal (Cassandra, embedded H2).
 */
abstract class TasksSurviveRestart {

  /** The node configuration (cluster of one on a free port) over the journal under test. */
  abstract Config config();

  /** The first write may create the schema. */
  Duration firstWrite() {
    return Duration.ofSeconds(30);
  }

  static Config node() {
    return ConfigFactory.parseMap(
        Map.of(
            "pekko.actor.provider", "cluster",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.remote.artery.canonical.hostname", "127.0.0.1",
            "pekko.coordinated-shutdown.exit-jvm", "off",
            "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on",
            "pekko.loglevel", "WARNING"));
  }

  static McpServer server() {
    return McpServer.builder("tasks-restart", "1")
        .tool(
            Tool.builder("quick")
                .taskSupport(Tool.TaskSupport.OPTIONAL)
                .handler(
                    (args, ctx) ->
                        CompletableFuture.supplyAsync(
                            () -> ToolResult.text("quick " + args.path("n").asText()),
                            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS)))
                .build())
        .tool(
            Tool.builder("forever")
                .taskSupport(Tool.TaskSupport.OPTIONAL)
                .handler((args, ctx) -> new CompletableFuture<ToolResult>())
                .build())
        .tool(
            Tool.builder("ask")
                .taskSupport(Tool.TaskSupport.OPTIONAL)
                .handler(
                    (args, ctx) ->
                        ctx.elicit("who", Json.object().put("message", "who?"), null)
                            .thenApply(
                                r ->
                                    ToolResult.text(
                                        "hello "
                                            + r.path("content").path("name").asText()
                                            + " on "
                                            + args.path("where").asText())))
                .build())
        .build();
  }

  private final RequestStateSealer sealer = RequestStateSealer.random(Duration.ofMinutes(5));
  private long ids;

  private JsonRpcMessage send(McpDispatcher d, SessionPort port, String method, ObjectNode params)
      throws Exception {
    return d.respond(
            new JsonRpcMessage.Request(RequestId.of(++ids), method, params),
            port,
            Outbound.NONE,
            new CancellationToken())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static ObjectNode result(JsonRpcMessage m) {
    if (m instanceof JsonRpcMessage.ErrorResponse e) {
      throw new AssertionError("error " + e.error());
    }
    return (ObjectNode) assertInstanceOf(JsonRpcMessage.Response.class, m).result();
  }

  private static ObjectNode stateless(ObjectNode params) {
    ObjectNode m = params.putObject("_meta").put(StatelessMeta.PROTOCOL_VERSION, "2026-07-28");
    ObjectNode caps = m.putObject(StatelessMeta.CLIENT_CAPABILITIES);
    caps.putObject("elicitation");
    caps.putObject("extensions").putObject(McpDispatcher.TASKS_EXTENSION);
    return params;
  }

  private ObjectNode call(Core core, String method, ObjectNode params) throws Exception {
    ObjectNode p = stateless(params);
    StatelessSession s = StatelessSession.of(StatelessMeta.parse(p), method, p, sealer);
    return result(send(core.dispatcher(), s, method, p));
  }

  private ObjectNode awaitTask(Core core, String id, Predicate<JsonNode> until) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      ObjectNode t = call(core, "tasks/get", Json.object().put("taskId", id));
      if (until.test(t)) {
        return t;
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("task " + id + " stuck at " + t);
      }
      Thread.sleep(50);
    }
  }

  private static Predicate<JsonNode> status(String s) {
    return t -> t.path("status").asText().equals(s);
  }

  @Test
  void aTasksStatusAndResultAreReadBackByANewNode() throws Exception {
    String sessionId = "tasks-restart-" + System.nanoTime();
    String done;
    String waiting;
    String sessionTask;
    String cutShort;
    try (ErlmcpNode first =
        ErlmcpNode.start("tasks-first", config(), server(), List.of(), firstWrite())) {
      Core core = first.core();
      ObjectNode quick = Json.object().put("name", "quick");
      quick.putObject("arguments").put("n", "1");
      done = call(core, "tools/call", quick).path("taskId").asText();
      awaitTask(core, done, status("completed"));

      ObjectNode ask = Json.object().put("name", "ask");
      ask.putObject("arguments").put("where", "node one");
      waiting = call(core, "tools/call", ask).path("taskId").asText();
      awaitTask(core, waiting, status("input_required"));

      cutShort = call(core, "tools/call", Json.object().put("name", "forever")).path("taskId").asText();
      awaitTask(core, cutShort, status("working"));

      ObjectNode init = Json.object().put("protocolVersion", "2025-11-25");
      init.putObject("capabilities");
      init.putObject("clientInfo").put("name", "restart-client");
      core.sessions()
          .execute(sessionId, core.dispatcher().initialize(init, sessionId, 0).command())
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      ObjectNode v1 = Json.object().put("name", "quick");
      v1.putObject("arguments").put("n", "2");
      v1.putObject("task").put("ttl", 600_000);
      sessionTask =
          result(send(core.dispatcher(), core.sessions().port(sessionId), "tools/call", v1))
              .path("task")
              .path("taskId")
              .asText();
      ObjectNode r =
          result(
              send(
                  core.dispatcher(),
                  core.sessions().port(sessionId),
                  "tasks/result",
                  Json.object().put("taskId", sessionTask)));
      assertEquals("quick 2", r.path("content").get(0).path("text").asText());
    }

    try (ErlmcpNode second =
        ErlmcpNode.start("tasks-second", config(), server(), List.of(), firstWrite())) {
      Core core = second.core();
      ObjectNode completed = awaitTask(core, done, t -> true);
      assertEquals("completed", completed.path("status").asText());
      assertEquals("quick 1", completed.path("result").path("content").get(0).path("text").asText());

      ObjectNode stillWaiting = awaitTask(core, waiting, t -> true);
      assertEquals("input_required", stillWaiting.path("status").asText());
      assertTrue(stillWaiting.path("inputRequests").has("who"), stillWaiting::toString);
      ObjectNode update = Json.object().put("taskId", waiting);
      update
          .putObject("inputResponses")
          .putObject("who")
          .put("action", "accept")
          .putObject("content")
          .put("name", "Ada");
      assertEquals("complete", call(core, "tasks/update", update).path("resultType").asText());
      ObjectNode resumed = awaitTask(core, waiting, status("completed"));
      assertEquals(
          "hello Ada on node one", resumed.path("result").path("content").get(0).path("text").asText());

      // As a transport does: the session's state is loaded (from the journal) before its port.
      core.sessions().get(sessionId).toCompletableFuture().get(30, TimeUnit.SECONDS);
      SessionPort port = core.sessions().port(sessionId);

      // The first node stopped gracefully while "forever" ran: the task is failed, not working.
      ObjectNode abandoned = awaitTask(core, cutShort, t -> true);
      assertEquals("failed", abandoned.path("status").asText(), abandoned::toString);
      assertEquals(-32603, abandoned.path("error").path("code").asInt());
      assertEquals(
          "The server stopped while the task ran; call the tool again",
          abandoned.path("error").path("message").asText());

      ObjectNode r =
          result(send(core.dispatcher(), port, "tasks/result", Json.object().put("taskId", sessionTask)));
      assertEquals("quick 2", r.path("content").get(0).path("text").asText());
      ObjectNode list = result(send(core.dispatcher(), port, "tasks/list", Json.object()));
      assertEquals(1, list.path("tasks").size());
      assertEquals(sessionTask, list.path("tasks").get(0).path("taskId").asText());
      assertEquals("completed", list.path("tasks").get(0).path("status").asText());
    }
  }

  @Test
  void aTaskWhoseNodeDiedIsFailedWhenReadInsteadOfWorkingForever() throws Exception {
    // No coordinated shutdown on terminate: the node vanishes as if killed, recording nothing.
    Config crashing =
        ConfigFactory.parseString("pekko.coordinated-shutdown.run-by-actor-system-terminate = off")
            .withFallback(config());
    String orphan;
    try (ErlmcpNode first =
        ErlmcpNode.start("tasks-crash", crashing, server(), List.of(), firstWrite())) {
      orphan = call(first.core(), "tools/call", Json.object().put("name", "forever")).path("taskId").asText();
      awaitTask(first.core(), orphan, status("working"));
    }
    try (ErlmcpNode second =
        ErlmcpNode.start("tasks-after-crash", config(), server(), List.of(), firstWrite())) {
      ObjectNode t = awaitTask(second.core(), orphan, x -> true);
      assertEquals("failed", t.path("status").asText(), t::toString);
      assertEquals(
          "The server process running the task stopped; call the tool again",
          t.path("error").path("message").asText());
      // Recorded, not just shown: the next read finds it failed in the journal.
      assertEquals("failed", awaitTask(second.core(), orphan, x -> true).path("status").asText());
    }
  }
}
