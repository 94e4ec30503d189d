package io.erlmcp.http;

import static io.erlmcp.http.McpClient.V_LATEST;
import static io.erlmcp.http.McpClient.toolCall;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.erlmcp.runtime.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tool call answered as plain JSON may take as long as erlmcp's own tool timeout allows: Pekko
 * HTTP's request timeout (here 1 s, 20 s by default) does not cut it short with a bare 503. The
 * tool timeout still answers a call that runs too long, with its JSON-RPC error.
 */
class StreamableHttpSlowCallTest {
  private static TestNode node;
  private static McpClient client;

  @BeforeAll
  static void start() {
    node =
        TestNode.start(
            "http-slow-call-test",
            "pekko.http.server.request-timeout = 1s\nerlmcp.protocol.tool-timeout = 4s");
    client = new McpClient(node.uri);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void aCallLongerThanPekkosRequestTimeoutIsAnswered() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r = client.post(s, toolCall(1, "slow", Json.object().put("ms", 2500), null));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("slow done", TestServer.textOf(McpClient.body(r)).asText());
  }

  @Test
  void aCallLongerThanTheToolTimeoutGetsItsError() throws Exception {
    McpClient.Session s = client.initialize(V_LATEST);
    HttpResponse<String> r = client.post(s, toolCall(2, "slow", Json.object().put("ms", 8000), null));
    assertEquals(200, r.statusCode(), r.body());
    assertEquals(2, McpClient.body(r).path("id").asInt());
    assertEquals(-32603, McpClient.body(r).path("error").path("code").asInt(), r.body());
  }
}
