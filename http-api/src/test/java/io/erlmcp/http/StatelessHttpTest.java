package io.erlmcp.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP rules of protocol revision 2026-07-28 on the one endpoint that also serves sessions:
 * routing, header checks, status codes, input_required round trips, listen streams, and
 * cancelling by closing the stream.
 */
class StatelessHttpTest {
  private static final String V = "2026-07-28";
  private static TestNode node;
  private static McpClient client;

  @BeforeAll
  static void start() {
    node = TestNode.start("http-stateless-test", "");
    client = new McpClient(node.uri);
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  static ObjectNode params(String capsJson) {
    ObjectNode p = Json.object();
    ObjectNode m = p.putObject("_meta").put("io.modelcontextprotocol/protocolVersion", V);
    m.set("io.modelcontextprotocol/clientCapabilities", Json.parseObject(capsJson));
    return p;
  }

  static String body(Object id, String method, JsonNode params) {
    return McpClient.request(id, method, params);
  }

  static HttpRequest.Builder post(String method, String name, String body) {
    HttpRequest.Builder b =
        client.postBuilder(null, body, McpClient.BOTH).header("MCP-Protocol-Version", V);
    if (method != null) {
      b.header("Mcp-Method", method);
    }
    if (name != null) {
      b.header("Mcp-Name", name);
    }
    return b;
  }

  static HttpResponse<String> send(String method, String name, Object id, JsonNode params) {
    return client.send(post(method, name, body(id, method, params)).build());
  }

  static void assertError(HttpResponse<String> r, int status, int code, Object id) {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode b = McpClient.body(r);
    assertEquals(code, b.path("error").path("code").asInt(), r.body());
    assertEquals(id.toString(), b.path("id").asText(), "error responses echo the request id");
  }

  @Test
  void discoverIsServedWithoutASession() {
    HttpResponse<String> r = send("server/discover", null, 1, params("{}"));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty());
    JsonNode result = McpClient.body(r).get("result");
    assertEquals("complete", result.get("resultType").asText());
    assertEquals(V, result.get("supportedVersions").get(0).asText());
  }

  @Test
  void getAndDeleteOfTheStatelessRevisionAre405() {
    for (String m : new String[] {"GET", "DELETE"}) {
      HttpResponse<String> r =
          client.send(
              client
                  .base()
                  .header("Accept", "text/event-stream")
                  .header("MCP-Protocol-Version", V)
                  .method(m, HttpRequest.BodyPublishers.noBody())
                  .build());
      assertEquals(405, r.statusCode(), m);
    }
  }

  @Test
  void missingMetaIs400InvalidParams() {
    assertError(send("tools/list", null, 2, Json.object()), 400, -32602, 2);
  }

  @Test
  void headersThatDisagreeWithTheBodyAre400HeaderMismatch() {
    assertError(
        client.send(post("tools/list", null, body(3, "prompts/list", params("{}"))).build()),
        400, -32020, 3);
    assertError(
        client.send(post(null, null, body(4, "tools/list", params("{}"))).build()), 400, -32020, 4);
    ObjectNode call = params("{}").put("name", "echo");
    assertError(send("tools/call", null, 5, call), 400, -32020, 5);
    assertError(send("tools/call", "other", 6, call), 400, -32020, 6);
    ObjectNode otherVersion = params("{}");
    ((ObjectNode) otherVersion.get("_meta")).put("io.modelcontextprotocol/protocolVersion", "2099-01-01");
    assertError(send("tools/list", null, 7, otherVersion), 400, -32020, 7);
  }

  @Test
  void unsupportedVersionIs400WithTheSupportedList() {
    ObjectNode p = params("{}");
    ((ObjectNode) p.get("_meta")).put("io.modelcontextprotocol/protocolVersion", "v9");
    HttpResponse<String> r =
        client.send(
            client
                .postBuilder(null, body(8, "tools/list", p), McpClient.BOTH)
                .header("MCP-Protocol-Version", "v9")
                .header("Mcp-Method", "tools/list")
                .build());
    assertError(r, 400, -32022, 8);
    JsonNode data = McpClient.body(r).at("/error/data");
    assertEquals("v9", data.get("requested").asText());
    assertTrue(data.get("supported").toString().contains(V));
  }

  @Test
  void unknownAndRemovedMethodsAre404MethodNotFound() {
    assertError(send("nope/nothing", null, 9, params("{}")), 404, -32601, 9);
    assertError(send("ping", null, 10, params("{}")), 404, -32601, 10);
    assertError(send("initialize", null, 11, params("{}")), 404, -32601, 11);
  }

  @Test
  void aSessionIdOnAStatelessRequestAndAMetaVersionOnASessionRequestAre400() {
    HttpResponse<String> r =
        client.send(
            post("tools/list", null, body(12, "tools/list", params("{}")))
                .header("Mcp-Session-Id", "whatever")
                .build());
    assertEquals(400, r.statusCode());
    assertEquals(-32600, McpClient.body(r).at("/error/code").asInt());
    McpClient.Session s = client.initialize(McpClient.V_LATEST);
    HttpResponse<String> mixed =
        client.post(s, body(13, "tools/list", params("{}")));
    assertError(mixed, 400, -32600, 13);
  }

  @Test
  void unknownResourceIsInvalidParamsOnlyOnTheStatelessRevision() {
    ObjectNode p = params("{}").put("uri", "test://none");
    assertError(send("resources/read", "test://none", 14, p), 400, -32602, 14);
    McpClient.Session s = client.initialize(McpClient.V_LATEST);
    HttpResponse<String> old =
        client.post(s, body(15, "resources/read", Json.object().put("uri", "test://none")));
    assertEquals(-32002, McpClient.body(old).at("/error/code").asInt());
  }

  @Test
  void missingClientCapabilityIs400WithTheRequiredCapability() {
    ObjectNode p = params("{}").put("name", "sample");
    HttpResponse<String> r = send("tools/call", "sample", 16, p);
    assertError(r, 400, -32021, 16);
    assertTrue(McpClient.body(r).at("/error/data/requiredCapabilities/sampling").isObject());
  }

  @Test
  void samplingBecomesInputRequiredAndTheRetryCompletesIt() {
    ObjectNode p = params("{\"sampling\":{}}").put("name", "sample");
    JsonNode first = McpClient.body(send("tools/call", "sample", 17, p)).get("result");
    assertEquals("input_required", first.get("resultType").asText(), first.toString());
    String key = first.get("inputRequests").fieldNames().next();
    assertEquals("sampling/createMessage", first.at("/inputRequests/" + key + "/method").asText());

    ObjectNode retry = params("{\"sampling\":{}}").put("name", "sample");
    ObjectNode answer = retry.putObject("inputResponses").putObject(key).put("role", "assistant");
    answer.putObject("content").put("type", "text").put("text", "hi there");
    answer.put("model", "m");
    retry.put("requestState", first.get("requestState").asText());
    JsonNode done = McpClient.body(send("tools/call", "sample", 18, retry)).get("result");
    assertEquals("complete", done.get("resultType").asText());
    assertEquals("sampled: hi there", done.at("/content/0/text").asText());

    ObjectNode tampered = retry.deepCopy();
    tampered.put("requestState", first.get("requestState").asText() + "x");
    assertError(send("tools/call", "sample", 19, tampered), 400, -32602, 19);
  }

  @Test
  void listStreamIsAcknowledgedFirstThenCarriesWhatWasAskedFor() throws Exception {
    ObjectNode p = params("{}");
    p.putObject("notifications").put("toolsListChanged", true).put("promptsListChanged", true);
    HttpResponse<InputStream> r =
        client.http.send(
            post("subscriptions/listen", null, body(20, "subscriptions/listen", p)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, r.statusCode());
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      JsonNode ack = nextData(in);
      assertEquals("notifications/subscriptions/acknowledged", ack.get("method").asText());
      assertTrue(ack.at("/params/notifications/toolsListChanged").asBoolean());
      assertFalse(
          ack.at("/params/notifications").has("promptsListChanged"),
          "the test server has no prompts: that part of the filter cannot be honoured");
      assertEquals(20, ack.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asInt());
      node.server.server.resourceUpdated("test://a"); // not asked for: must not arrive
      node.server.server.addTool(
          Tool.builder("added").syncHandler((a, c) -> ToolResult.text("x")).build());
      JsonNode changed = nextData(in);
      assertEquals("notifications/tools/list_changed", changed.get("method").asText());
      assertEquals(20, changed.at("/params/_meta/io.modelcontextprotocol~1subscriptionId").asInt());
    } finally {
      node.server.server.removeTool("added");
    }
  }

  @Test
  void closingTheResponseStreamCancelsTheRequest() throws Exception {
    ObjectNode p = params("{}").put("name", "slow");
    p.putObject("arguments").put("ms", 30_000);
    ((ObjectNode) p.get("_meta")).put("progressToken", "t1");
    HttpResponse<InputStream> r =
        client.http.send(
            post("tools/call", "slow", body(21, "tools/call", p)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    JsonNode progress = nextData(in);
    assertEquals("notifications/progress", progress.get("method").asText());
    in.close();
    String cancelled = node.server.slowCancelled.poll(10, TimeUnit.SECONDS);
    assertNotNull(cancelled, "closing the stream must cancel the running request");
    assertEquals("21", cancelled);
  }

  private static JsonNode nextData(BufferedReader in) throws Exception {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("data:") && line.length() > 6) {
        return Json.parse(line.substring(5).trim());
      }
    }
    throw new AssertionError("stream ended");
  }
}
