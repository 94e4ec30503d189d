package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.transport.LineClient;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /status} of a real node (Pekko Management, HTTP and TCP listeners) counts the clients
 * connected to it, by transport, and {@code /status/clients} lists them with their client info;
 * a client that ends its session (DELETE) or closes its connection is no longer counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StatusClientsTest {
  private TestNode node;
  private URI status;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node =
        TestNode.startWithTcp(
            "status-clients",
            "pekko.management.http.hostname = 127.0.0.1\n"
                + "pekko.management.http.port = " + port + "\n"
                + "pekko.management.http.routes.erlmcp-status = \"io.erlmcp.http.StatusRoute\"\n"
                + "erlmcp.presence.flush-interval = 100ms\n");
    PekkoManagement.get(node.node.system()).start().toCompletableFuture().get(30, TimeUnit.SECONDS);
    status = URI.create("http://127.0.0.1:" + port + "/status");
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private JsonNode get(URI uri) throws Exception {
    HttpResponse<String> r =
        http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return Json.parse(r.body());
  }

  /** Polls /status (15 s at most) until {@code cond} holds of it; answers the last one. */
  private JsonNode awaitStatus(String what, Predicate<JsonNode> cond) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    JsonNode s = get(status);
    while (!cond.test(s) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      s = get(status);
    }
    assertTrue(cond.test(s), what + ": " + s);
    return s;
  }

  @Test
  void statusCountsTheClientsOfEachTransportAndForgetsThoseThatLeave() throws Exception {
    McpClient client = new McpClient(node.uri);
    McpClient.Session session = client.initialize(McpClient.V_LATEST);
    JsonNode s =
        awaitStatus(
            "the HTTP session was never counted",
            j -> j.path("clients").path("total").asInt() == 1);
    JsonNode self = s.path("clients").path("nodes").get(0);
    assertEquals(s.path("self").asText(), self.path("node").asText());
    assertEquals(1, self.path("byTransport").path("http").asInt(), s.toString());

    JsonNode listed = get(URI.create(status + "/clients")).path("nodes").get(0);
    assertEquals(false, listed.path("truncated").asBoolean());
    JsonNode entry = listed.path("sessions").get(0);
    assertEquals(session.id(), entry.path("sessionId").asText());
    assertEquals("http", entry.path("transport").asText());
    assertEquals("http-test", entry.path("clientName").asText());
    assertEquals("1.0", entry.path("clientVersion").asText());

    try (LineClient tcp = LineClient.connect(node.tcpPort())) {
      tcp.initialize("tcp-presence");
      awaitStatus(
          "the TCP client was never counted",
          j ->
              j.path("clients").path("total").asInt() == 2
                  && j.path("clients").path("nodes").get(0).path("byTransport").path("tcp").asInt()
                      == 1);
    }
    awaitStatus(
        "the closed TCP connection is still counted",
        j -> j.path("clients").path("total").asInt() == 1);

    assertEquals(200, client.delete(session).statusCode());
    awaitStatus(
        "the ended HTTP session is still counted",
        j -> j.path("clients").path("total").asInt() == 0);
  }

  @Test
  void statusShowsTheModeAndMembersBesideTheClients() throws Exception {
    JsonNode s = get(status);
    assertEquals("read_write", s.path("mode").asText(), s.toString());
    assertTrue(s.path("clients").has("total"), s.toString());
    assertTrue(s.path("clients").path("nodes").isArray(), s.toString());
  }
}
