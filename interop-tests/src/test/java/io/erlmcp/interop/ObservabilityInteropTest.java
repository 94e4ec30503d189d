package io.erlmcp.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's health and metrics as an operator sees them: Pekko Management's /health and /ready,
 * erlmcp's /status with its connected clients, and Kamon's Prometheus endpoint with MCP requests
 * counted by method and outcome and the connected-client gauges.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300)
class ObservabilityInteropTest {
  @RegisterExtension final ServerLogOnFailure serverLog = new ServerLogOnFailure();

  private final HttpClient http = HttpClient.newHttpClient();
  private ErlmcpServer server;
  private int managementPort;
  private int metricsPort;

  @BeforeAll
  void start() {
    int port = ErlmcpServer.freePort();
    managementPort = ErlmcpServer.freePort();
    metricsPort = ErlmcpServer.freePort();
    Path log = serverLog.watch(ErlmcpServer.newLogFile("observability"));
    server =
        ErlmcpServer.startHttp(
            port,
            ErlmcpServer.newDataDir("observability"),
            log,
            List.of(
                "--management", "127.0.0.1:" + managementPort,
                "--metrics", "127.0.0.1:" + metricsPort));
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthAndReadyAnswer200OnceTheNodeIsUp() throws Exception {
    assertEquals(200, get("http://127.0.0.1:" + managementPort + "/health").statusCode());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int ready;
    do {
      ready = get("http://127.0.0.1:" + managementPort + "/ready").statusCode();
      if (ready != 200) {
        ErlmcpServer.sleep(200);
      }
    } while (ready != 200 && System.nanoTime() < deadline);
    assertEquals(200, ready);
  }

  @Test
  void prometheusEndpointCountsRequestsByMethodAndOutcome() throws Exception {
    RawMcp raw = new RawMcp(server.url());
    String session = raw.initialize();
    raw.request(session, 2, RawMcp.toolCall(2, "echo", "{\"message\":\"m\"}"));
    raw.request(session, 3, RawMcp.toolCall(3, "no-such-tool", "{}"));
    // Kamon publishes every tick (10 s); wait for a snapshot that has both outcomes.
    String ok = "outcome=\"ok\"";
    String error = "outcome=\"error\"";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body = get("http://127.0.0.1:" + metricsPort + "/metrics").body();
      if (hasCount(body, ok) && hasCount(body, error)) {
        break;
      }
      ErlmcpServer.sleep(500);
    }
    assertTrue(hasCount(body, ok), "tools/call ok counted:\n" + body);
    assertTrue(hasCount(body, error), "tools/call error counted:\n" + body);
    assertTrue(body.contains("erlmcp_sessions_created_total"), body);
  }

  @Test
  void statusAndPrometheusCountTheConnectedClients() throws Exception {
    RawMcp raw = new RawMcp(server.url());
    raw.initialize();
    String status = "";
    String metrics = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      status = get("http://127.0.0.1:" + managementPort + "/status").body();
      metrics = get("http://127.0.0.1:" + metricsPort + "/metrics").body();
      if (httpClients(status) >= 1 && gauge(metrics, "erlmcp_clients_connected{") >= 1
          && gauge(metrics, "erlmcp_clients_connected_cluster") >= 1) {
        break;
      }
      ErlmcpServer.sleep(500);
    }
    assertTrue(httpClients(status) >= 1, "/status counts the HTTP client:\n" + status);
    assertTrue(gauge(metrics, "erlmcp_clients_connected{") >= 1, metrics);
    assertTrue(gauge(metrics, "erlmcp_clients_connected_cluster") >= 1, metrics);
  }

  /** This node's Streamable HTTP clients as /status counts them (-1 if absent). */
  private static int httpClients(String status) {
    tools.jackson.databind.JsonNode nodes;
    try {
      nodes = new tools.jackson.databind.ObjectMapper().readTree(status).path("clients").path("nodes");
    } catch (tools.jackson.core.JacksonException e) {
      return -1;
    }
    return nodes.size() == 1 ? nodes.get(0).path("byTransport").path("http").asInt(-1) : -1;
  }

  /** The value of the first sample whose line starts with {@code prefix} (and is http's, if tagged). */
  private static double gauge(String body, String prefix) {
    for (String line : body.split("\n")) {
      if (line.startsWith(prefix) && (!prefix.endsWith("{") || line.contains("transport=\"http\""))) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return -1;
  }

  private static boolean hasCount(String body, String labels) {
    for (String line : body.split("\n")) {
      if (line.startsWith("erlmcp_requests_seconds_count{")
          && line.contains("method=\"tools/call\"")
          && line.contains(labels)) {
        return true;
      }
    }
    return false;
  }
}
