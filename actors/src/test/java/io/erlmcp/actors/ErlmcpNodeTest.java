package io.erlmcp.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.actors.request.RequestManager;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.jsonrpc.RequestId;
import io.erlmcp.runtime.server.McpDispatcher;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Outbound;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import io.erlmcp.runtime.session.SessionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A whole node without Cassandra: in-memory journal, local snapshots, a cluster of one. */
class ErlmcpNodeTest {

  @TempDir Path snapshots;

  private Config config() {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.persistence.journal.plugin = \"pekko.persistence.journal.inmem\"\n"
                + "pekko.persistence.snapshot-store.plugin = \"pekko.persistence.snapshot-store.local\"\n"
                + "pekko.persistence.snapshot-store.local.dir = \"" + snapshots.toString().replace("\\", "/") + "\"\n"
                + "pekko.coordinated-shutdown.exit-jvm = off\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n")
        .withFallback(ConfigFactory.load());
  }

  @Test
  void aNodeServesAToolCallForASessionItInitialized() throws Exception {
    McpServer server = McpServer.builder("smoke", "1")
        .tool(Tool.builder("echo").syncHandler((a, c) -> ToolResult.text(a.path("text").asText())).build())
        .build();
    try (ErlmcpNode node = ErlmcpNode.start("ErlmcpNodeTest", config(), server, List.of(), Duration.ofSeconds(20))) {
      Core core = node.core();
      assertTrue(Files.isDirectory(snapshots));

      ObjectNode init = Json.object().put("protocolVersion", "2025-06-18");
      init.putObject("capabilities");
      init.putObject("clientInfo").put("name", "smoke-client");
      McpDispatcher.InitializeOutcome outcome = core.dispatcher().initialize(init, "smoke-session", 0);
      SessionState state = core.sessions().execute("smoke-session", outcome.command())
          .toCompletableFuture().get(20, TimeUnit.SECONDS);
      assertEquals("smoke-session", state.sessionId());
      assertEquals("2025-06-18", outcome.result().get("protocolVersion").asText());

      ObjectNode params = Json.object().put("name", "echo");
      params.putObject("arguments").put("text", "through the tree");
      TestProbe<RequestManager.Outcome> probe = TestProbe.create(node.system());
      core.requests().tell(new RequestManager.Start("smoke-session",
          new JsonRpcMessage.Request(RequestId.of(1), "tools/call", params),
          core.sessions().port("smoke-session"), Outbound.NONE, probe.getRef()));
      RequestManager.Outcome.Responded r =
          probe.expectMessageClass(RequestManager.Outcome.Responded.class, Duration.ofSeconds(10));
      JsonRpcMessage.Response resp = assertInstanceOf(JsonRpcMessage.Response.class, r.response());
      assertEquals("through the tree", resp.result().path("content").path(0).path("text").asText());

      // a second initialize of the same session is refused by the entity
      var again = core.sessions().execute("smoke-session", outcome.command()).toCompletableFuture();
      try {
        again.get(10, TimeUnit.SECONDS);
        throw new AssertionError("second initialize accepted");
      } catch (java.util.concurrent.ExecutionException expected) {
        assertInstanceOf(io.erlmcp.runtime.jsonrpc.JsonRpcException.class, expected.getCause());
      }
    }
  }
}
