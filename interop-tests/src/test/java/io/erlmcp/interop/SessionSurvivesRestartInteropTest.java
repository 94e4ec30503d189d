package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A session outlives its server process: sessions are journaled (embedded H2 in the data
 * directory, or Cassandra under {@code make test}), so a new process on the same data directory
 * and port serves the same Mcp-Session-Id without a new initialize.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300)
class SessionSurvivesRestartInteropTest {
  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  private final List<ErlmcpServer> servers = new ArrayList<>();

  @AfterAll
  void stopServers() {
    servers.forEach(ErlmcpServer::stop);
  }

  @Test
  void rememberedValueAndToolsAreServedToTheSameSessionAfterARestart() {
    int port = ErlmcpServer.freePort();
    Path dataDir = ErlmcpServer.newDataDir("restart");
    Path log = serverLog.watch(ErlmcpServer.newLogFile("restart"));

    ErlmcpServer first = start(port, dataDir, log);
    RawMcp raw = new RawMcp(first.url());
    String session = raw.initialize();
    String key = "city-" + UUID.randomUUID();
    JsonNode remembered =
        raw.request(
            session,
            10,
            RawMcp.toolCall(10, "remember", "{\"key\":\"" + key + "\",\"value\":\"Lisbon\"}"));
    assertEquals("Remembered " + key + ".", remembered.at("/result/content/0/text").asString());
    first.stop();
    assertFalse(first.process().isAlive(), "first server process ended");

    ErlmcpServer second = start(port, dataDir, log);
    assertEquals(first.url(), second.url());

    // Same Mcp-Session-Id, no new initialize.
    JsonNode recalled =
        raw.request(session, 11, RawMcp.toolCall(11, "recall", "{\"key\":\"" + key + "\"}"));
    assertFalse(recalled.has("error"), recalled.toString());
    assertFalse(recalled.at("/result/isError").asBoolean(false), recalled.toString());
    assertEquals("Lisbon", recalled.at("/result/content/0/text").asString());

    JsonNode tools =
        raw.request(session, 12, "{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"tools/list\"}");
    List<String> names = new ArrayList<>();
    tools.at("/result/tools").forEach(t -> names.add(t.get("name").asString()));
    assertTrue(
        names.containsAll(List.of("echo", "add", "countdown", "remember", "recall")),
        "tools after restart: " + names);
  }

  private ErlmcpServer start(int port, Path dataDir, Path log) {
    ErlmcpServer s = ErlmcpServer.startHttp(port, dataDir, log);
    servers.add(s);
    return s;
  }
}
