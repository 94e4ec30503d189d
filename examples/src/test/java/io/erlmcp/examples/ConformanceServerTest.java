package io.erlmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.server.McpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conformance fixture answers exactly what docs/interop/conformance-fixtures.md says. */
class ConformanceServerTest {
  static final String PNG = ConformanceServer.PNG;
  static final String WAV = ConformanceServer.WAV;

  static McpServer server;
  TestClient client;

  @BeforeAll
  static void createServer() {
    server = ConformanceServer.create();
  }

  @BeforeEach
  void connect() {
    client = new TestClient(server);
  }

  static void assertJson(String expected, JsonNode actual) {
    assertEquals(Json.parse(expected), actual, () -> "actual: " + actual);
  }

  static String textOf(JsonNode toolResult) {
    return toolResult.path("content").path(0).path("text").asText();
  }

  // ---------------------------------------------------------------- lifecycle and utilities

  @Test
  void initializeDeclaresTheReferenceCapabilities() {
    ObjectNode r = client.initializeResult;
    assertEquals("2025-11-25", r.path("protocolVersion").asText());
    assertJson(
        "{\"name\":\"mcp-conformance-test-server\",\"version\":\"1.0.0\"}", r.get("serverInfo"));
    assertJson(
        """
        {"tools":{"listChanged":true},"resources":{"subscribe":true,"listChanged":true},
        "prompts":{"listChanged":true},"logging":{},"completions":{},
        "tasks":{"list":{},"cancel":{},"requests":{"tools":{"call":{}}}}}
        """,
        r.get("capabilities"));
  }

  @Test
  void pingAndSetLevelAnswerEmptyObjects() {
    assertEquals("{}", client.result("ping", (String) null).toString());
    assertEquals("{}", client.result("logging/setLevel", "{\"level\":\"info\"}").toString());
  }

  // ---------------------------------------------------------------- tools

  @Test
  void toolsListHasEveryFixtureToolWithADescriptionAndObjectSchema() {
    JsonNode tools = client.result("tools/list", "{}").get("tools");
    List<String> names = new ArrayList<>();
    for (JsonNode t : tools) {
      names.add(t.get("name").asText());
      assertTrue(t.get("name").asText().matches("^[A-Za-z0-9_./-]{1,64}$"));
      assertFalse(t.path("description").asText().isEmpty(), t::toString);
      assertEquals("object", t.path("inputSchema").path("type").asText(), t::toString);
    }
    assertEquals(
        List.of(
            "test_simple_text",
            "test_image_content",
            "test_audio_content",
            "test_embedded_resource",
            "test_multiple_content_types",
            "test_tool_with_logging",
            "test_tool_with_progress",
            "test_error_handling",
            "test_sampling",
            "test_elicitation",
            "test_elicitation_sep1034_defaults",
            "test_elicitation_sep1330_enums",
            "json_schema_2020_12_tool",
            "test_reconnection",
            // 2026-07-28 fixtures (StatelessFixtures), listed on every revision
            "test_missing_capability",
            "test_logging_tool",
            "test_trigger_tool_change",
            "test_trigger_prompt_change",
            "test_streaming_elicitation",
            "test_input_required_result_elicitation",
            "test_input_required_result_sampling",
            "test_input_required_result_list_roots",
            "test_input_required_result_request_state",
            "test_input_required_result_tampered_state",
            "test_input_required_result_multiple_inputs",
            "test_input_required_result_multi_round",
            "test_custom_header",
            "test_input_required_result_capabilities",
            "greet",
            "slow_compute",
            "failing_job",
            "protocol_error_job",
            "confirm_delete",
            "multi_input",
            "test_tool_with_task"),
        names);
    assertJson(
        "{\"type\":\"object\",\"properties\":{}}",
        tool(tools, "test_simple_text").get("inputSchema"));
  }

  private static JsonNode tool(JsonNode tools, String name) {
    return StreamSupport.stream(tools.spliterator(), false)
        .filter(t -> t.get("name").asText().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void simpleTextWithoutArgumentsMember() {
    assertJson(
        """
        {"content":[{"type":"text","text":"This is a simple text response for testing."}]}
        """,
        client.call("test_simple_text", null));
  }

  @Test
  void imageAudioAndEmbeddedResource() {
    assertJson(
        "{\"content\":[{\"type\":\"image\",\"data\":\"" + PNG + "\",\"mimeType\":\"image/png\"}]}",
        client.call("test_image_content", "{}"));
    assertJson(
        "{\"content\":[{\"type\":\"audio\",\"data\":\"" + WAV + "\",\"mimeType\":\"audio/wav\"}]}",
        client.call("test_audio_content", "{}"));
    assertJson(
        """
        {"content":[{"type":"resource","resource":{"uri":"test://embedded-resource",
        "mimeType":"text/plain","text":"This is an embedded resource content."}}]}
        """,
        client.call("test_embedded_resource", "{}"));
  }

  @Test
  void multipleContentTypes() {
    assertJson(
        """
        {"content":[{"type":"text","text":"Multiple content types test:"},
        {"type":"image","data":"%s","mimeType":"image/png"},
        {"type":"resource","resource":{"uri":"test://mixed-content-resource",
        "mimeType":"application/json","text":"{\\"test\\":\\"data\\",\\"value\\":123}"}}]}
        """
            .formatted(PNG),
        client.call("test_multiple_content_types", "{}"));
  }

  @Test
  void loggingToolSendsThreeInfoMessagesBeforeItsResult() {
    client.result("logging/setLevel", "{\"level\":\"debug\"}");
    JsonNode r = client.call("test_tool_with_logging", "{}");
    assertJson(
        "{\"content\":[{\"type\":\"text\",\"text\":\"Tool with logging executed successfully\"}]}",
        r);
    List<String> messages =
        client.out.notifications("notifications/message").stream()
            .map(s -> s.params().toString())
            .toList();
    assertEquals(
        List.of(
            "{\"level\":\"info\",\"data\":\"Tool execution started\"}",
            "{\"level\":\"info\",\"data\":\"Tool processing data\"}",
            "{\"level\":\"info\",\"data\":\"Tool execution completed\"}"),
        messages);
  }

  @Test
  void loggingToolRespectsTheLogLevel() {
    client.result("logging/setLevel", "{\"level\":\"warning\"}");
    client.call("test_tool_with_logging", "{}");
    assertTrue(client.out.notifications("notifications/message").isEmpty());
  }

  @Test
  void progressToolReportsZeroFiftyHundredWithTheRequestsToken() {
    JsonNode r =
        client.result(
            "tools/call",
            "{\"name\":\"test_tool_with_progress\",\"arguments\":{},"
                + "\"_meta\":{\"progressToken\":\"progress-test-1\"}}");
    assertJson("{\"content\":[{\"type\":\"text\",\"text\":\"progress-test-1\"}]}", r);
    List<RecordingOutbound.Sent> progress = client.out.notifications("notifications/progress");
    assertEquals(3, progress.size());
    double[] expected = {0, 50, 100};
    for (int i = 0; i < 3; i++) {
      JsonNode p = progress.get(i).params();
      assertTrue(p.get("progressToken").isTextual());
      assertEquals("progress-test-1", p.get("progressToken").asText());
      assertEquals(expected[i], p.get("progress").asDouble());
      assertEquals(100.0, p.get("total").asDouble());
      assertEquals(
          "Completed step " + (int) expected[i] + " of 100", p.get("message").asText());
    }
  }

  @Test
  void progressTokenKeepsItsJsonType() {
    JsonNode r =
        client.result(
            "tools/call",
            "{\"name\":\"test_tool_with_progress\",\"_meta\":{\"progressToken\":42}}");
    assertEquals("42", textOf(r));
    List<RecordingOutbound.Sent> progress = client.out.notifications("notifications/progress");
    assertEquals(3, progress.size());
    progress.forEach(p -> assertTrue(p.params().get("progressToken").isIntegralNumber()));
  }

  @Test
  void progressToolWithoutTokenSendsNothing() {
    JsonNode r = client.call("test_tool_with_progress", "{}");
    assertEquals("no progress token", textOf(r));
    assertTrue(client.out.notifications.isEmpty());
  }

  @Test
  void errorToolReturnsAToolError() {
    assertJson(
        """
        {"content":[{"type":"text","text":"This tool intentionally returns an error for testing"}],
        "isError":true}
        """,
        client.call("test_error_handling", "{}"));
  }

  @Test
  void samplingAsksTheClientAndReportsItsAnswer() {
    client.out.answer =
        (method, params) ->
            CompletableFuture.completedFuture(
                Json.parse(
                    """
                    {"role":"assistant","content":{"type":"text",
                    "text":"This is a test response from the client"},
                    "model":"test-model","stopReason":"endTurn"}
                    """));
    JsonNode r = client.call("test_sampling", "{\"prompt\":\"Test prompt for sampling\"}");
    assertJson(
        """
        {"content":[{"type":"text",
        "text":"LLM response: This is a test response from the client"}]}
        """,
        r);
    assertEquals(1, client.out.requests.size());
    RecordingOutbound.Sent req = client.out.requests.get(0);
    assertEquals("sampling/createMessage", req.method());
    assertEquals(
        "{\"messages\":[{\"role\":\"user\",\"content\":{\"type\":\"text\","
            + "\"text\":\"Test prompt for sampling\"}}],\"maxTokens\":100}",
        req.params().toString());
  }

  @Test
  void samplingWithoutTheCapabilityIsATextResultNotAnError() {
    TestClient bare = new TestClient(server, "{}");
    JsonNode r = bare.call("test_sampling", "{\"prompt\":\"x\"}");
    assertTrue(textOf(r).startsWith("Sampling not supported or error: "), r::toString);
    assertFalse(r.has("isError"));
    assertTrue(bare.out.requests.isEmpty());
  }

  @Test
  void samplingRequiresItsPromptArgument() {
    // 2025-11-25: invalid tool input is a tool execution error, not a protocol error.
    JsonNode r = client.call("test_sampling", "{}");
    assertTrue(r.path("isError").asBoolean(), r::toString);
    assertTrue(textOf(r).contains("prompt"), r::toString);
    assertTrue(client.out.requests.isEmpty());
  }

  @Test
  void elicitationSendsTheScenariosSchemaAndReportsTheAnswer() {
    client.out.answer =
        (method, params) ->
            CompletableFuture.completedFuture(
                Json.parse(
                    """
                    {"action":"accept","content":{"username":"testuser",
                    "email":"test@example.com"}}
                    """));
    JsonNode r =
        client.call("test_elicitation", "{\"message\":\"Please provide your information\"}");
    assertJson(
        """
        {"content":[{"type":"text","text":"User response: action=accept, \
        content={\\"username\\":\\"testuser\\",\\"email\\":\\"test@example.com\\"}"}]}
        """,
        r);
    RecordingOutbound.Sent req = client.out.requests.get(0);
    assertEquals("elicitation/create", req.method());
    assertJson(
        """
        {"message":"Please provide your information","requestedSchema":{"type":"object",
        "properties":{"username":{"type":"string","description":"User's response"},
        "email":{"type":"string","description":"User's email address"}},
        "required":["username","email"]}}
        """,
        req.params());
  }

  @Test
  void elicitationWithoutTheCapabilityIsATextResult() {
    TestClient bare = new TestClient(server, "{\"sampling\":{}}");
    JsonNode r = bare.call("test_elicitation", "{\"message\":\"hi\"}");
    assertTrue(textOf(r).startsWith("Elicitation not supported or error: "), r::toString);
    assertTrue(bare.out.requests.isEmpty());
  }

  @Test
  void sep1034DefaultsRequestCarriesEveryDefault() {
    client.out.answer =
        (method, params) ->
            CompletableFuture.completedFuture(
                Json.parse("{\"action\":\"accept\",\"content\":{\"name\":\"John Doe\",\"age\":30}}"));
    JsonNode r = client.call("test_elicitation_sep1034_defaults", "{}");
    assertEquals(
        "Elicitation completed: action=accept, content={\"name\":\"John Doe\",\"age\":30}",
        textOf(r));
    JsonNode params = client.out.requests.get(0).params();
    assertJson(
        """
        {"message":"Please review and update the form fields with defaults",
        "requestedSchema":{"type":"object","properties":{
        "name":{"type":"string","description":"User name","default":"John Doe"},
        "age":{"type":"integer","description":"User age","default":30},
        "score":{"type":"number","description":"User score","default":95.5},
        "status":{"type":"string","description":"User status",
        "enum":["active","inactive","pending"],"default":"active"},
        "verified":{"type":"boolean","description":"Verification status","default":true}},
        "required":[]}}
        """,
        params);
    JsonNode props = params.path("requestedSchema").path("properties");
    assertTrue(props.path("age").path("default").isIntegralNumber());
    assertTrue(props.path("score").path("default").isFloatingPointNumber());
    assertTrue(props.path("verified").path("default").isBoolean());
  }

  @Test
  void sep1330EnumsRequestAndADeclinedAnswer() {
    client.out.answer =
        (method, params) -> CompletableFuture.completedFuture(Json.parse("{\"action\":\"decline\"}"));
    JsonNode r = client.call("test_elicitation_sep1330_enums", "{}");
    assertEquals("Elicitation completed: action=decline, content={}", textOf(r));
    assertJson(
        """
        {"message":"Please select options from the enum fields","requestedSchema":{
        "type":"object","properties":{
        "untitledSingle":{"type":"string","description":"Select one option",
          "enum":["option1","option2","option3"]},
        "titledSingle":{"type":"string","description":"Select one option with titles",
          "oneOf":[{"const":"value1","title":"First Option"},
          {"const":"value2","title":"Second Option"},{"const":"value3","title":"Third Option"}]},
        "legacyEnum":{"type":"string","description":"Select one option (legacy)",
          "enum":["opt1","opt2","opt3"],"enumNames":["Option One","Option Two","Option Three"]},
        "untitledMulti":{"type":"array","description":"Select multiple options",
          "minItems":1,"maxItems":3,"items":{"type":"string","enum":["option1","option2","option3"]}},
        "titledMulti":{"type":"array","description":"Select multiple options with titles",
          "minItems":1,"maxItems":3,"items":{"anyOf":[{"const":"value1","title":"First Choice"},
          {"const":"value2","title":"Second Choice"},{"const":"value3","title":"Third Choice"}]}}},
        "required":[]}}
        """,
        client.out.requests.get(0).params());
  }

  @Test
  void jsonSchema202012IsListedVerbatim() {
    String doc =
        "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
            + "\"$defs\":{\"address\":{\"$anchor\":\"addressDef\",\"type\":\"object\","
            + "\"properties\":{\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
            + "\"properties\":{\"name\":{\"type\":\"string\"},\"address\":{\"$ref\":"
            + "\"#/$defs/address\"},\"contactMethod\":{\"type\":\"string\",\"enum\":[\"phone\","
            + "\"email\"]},\"phone\":{\"type\":\"string\"},\"email\":{\"type\":\"string\"}},"
            + "\"allOf\":[{\"anyOf\":[{\"required\":[\"phone\"]},{\"required\":[\"email\"]}]}],"
            + "\"if\":{\"properties\":{\"contactMethod\":{\"const\":\"phone\"}},\"required\":"
            + "[\"contactMethod\"]},\"then\":{\"required\":[\"phone\"]},\"else\":{\"required\":"
            + "[\"email\"]},\"additionalProperties\":false}";
    JsonNode t = tool(client.result("tools/list", "{}").get("tools"), "json_schema_2020_12_tool");
    assertEquals(doc, t.get("inputSchema").toString());
    assertEquals("Tool with JSON Schema 2020-12 features", t.get("description").asText());
    JsonNode r =
        client.call("json_schema_2020_12_tool", "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}");
    assertEquals(
        "JSON Schema 2020-12 tool called with: {\"name\":\"Ada\",\"email\":\"ada@example.com\"}",
        textOf(r));
  }

  @Test
  void reconnectionToolAnswersItsText() {
    assertEquals(
        "Reconnection test completed successfully. If you received this, the client properly"
            + " reconnected after stream closure.",
        textOf(client.call("test_reconnection", "{}")));
  }

  // ---------------------------------------------------------------- resources

  @Test
  void resourcesList() {
    assertJson(
        """
        {"resources":[
        {"uri":"test://static-text","name":"static-text","title":"Static Text Resource",
         "description":"A static text resource for testing","mimeType":"text/plain"},
        {"uri":"test://static-binary","name":"static-binary","title":"Static Binary Resource",
         "description":"A static binary resource (image) for testing","mimeType":"image/png"},
        {"uri":"test://watched-resource","name":"watched-resource","title":"Watched Resource",
         "description":"A resource that auto-updates every 3 seconds","mimeType":"text/plain"}]}
        """,
        client.result("resources/list", "{}"));
  }

  @Test
  void readTextAndBinary() {
    assertJson(
        """
        {"contents":[{"uri":"test://static-text","mimeType":"text/plain",
        "text":"This is the content of the static text resource."}]}
        """,
        client.result("resources/read", "{\"uri\":\"test://static-text\"}"));
    assertJson(
        "{\"contents\":[{\"uri\":\"test://static-binary\",\"mimeType\":\"image/png\",\"blob\":\""
            + PNG
            + "\"}]}",
        client.result("resources/read", "{\"uri\":\"test://static-binary\"}"));
  }

  @Test
  void templateListAndRead() {
    assertJson(
        """
        {"resourceTemplates":[{"uriTemplate":"test://template/{id}/data","name":"template",
        "title":"Resource Template",
        "description":"A resource template with parameter substitution",
        "mimeType":"application/json"}]}
        """,
        client.result("resources/templates/list", "{}"));
    assertJson(
        """
        {"contents":[{"uri":"test://template/123/data","mimeType":"application/json",
        "text":"{\\"id\\":\\"123\\",\\"templateTest\\":true,\\"data\\":\\"Data for ID: 123\\"}"}]}
        """,
        client.result("resources/read", "{\"uri\":\"test://template/123/data\"}"));
  }

  @Test
  void unknownResourceIsAnErrorWithTheUri() {
    JsonRpcError e = client.error("resources/read", "{\"uri\":\"test://nope\"}");
    assertEquals("test://nope", e.data().path("uri").asText());
  }

  @Test
  void subscribeAndUnsubscribeAnswerEmptyObjects() {
    assertEquals(
        "{}", client.result("resources/subscribe", "{\"uri\":\"test://watched-resource\"}").toString());
    assertTrue(client.session.state().subscriptions().contains("test://watched-resource"));
    assertEquals(
        "{}",
        client.result("resources/unsubscribe", "{\"uri\":\"test://watched-resource\"}").toString());
    assertFalse(client.session.state().subscriptions().contains("test://watched-resource"));
  }

  @Test
  void watchedResourceChangesAndAnnouncesIt() throws Exception {
    McpServer fast = ConformanceServer.create(Duration.ofMillis(30));
    CountDownLatch updates = new CountDownLatch(2);
    List<String> uris = new java.util.concurrent.CopyOnWriteArrayList<>();
    fast.addListener(
        new McpServer.Listener() {
          @Override
          public void catalogChanged(McpServer.CatalogKind kind) {}

          @Override
          public void resourceUpdated(String uri) {
            uris.add(uri);
            updates.countDown();
          }
        });
    TestClient c = new TestClient(fast);
    String before =
        c.result("resources/read", "{\"uri\":\"test://watched-resource\"}")
            .path("contents").path(0).path("text").asText();
    assertTrue(updates.await(5, TimeUnit.SECONDS));
    JsonNode after = c.result("resources/read", "{\"uri\":\"test://watched-resource\"}");
    JsonNode content = after.path("contents").path(0);
    assertEquals("test://watched-resource", content.path("uri").asText());
    assertEquals("text/plain", content.path("mimeType").asText());
    assertTrue(content.path("text").asText().startsWith("Watched resource content"));
    assertFalse(before.equals(content.path("text").asText()));
    assertTrue(uris.stream().allMatch("test://watched-resource"::equals));
  }

  // ---------------------------------------------------------------- prompts

  @Test
  void promptsList() {
    assertJson(
        """
        {"prompts":[
        {"name":"test_simple_prompt","title":"Simple Test Prompt",
         "description":"A simple prompt without arguments","arguments":[]},
        {"name":"test_prompt_with_arguments","title":"Prompt With Arguments",
         "description":"A prompt with required arguments","arguments":[
         {"name":"arg1","description":"First test argument","required":true},
         {"name":"arg2","description":"Second test argument","required":true}]},
        {"name":"test_prompt_with_embedded_resource","title":"Prompt With Embedded Resource",
         "description":"A prompt that includes an embedded resource","arguments":[
         {"name":"resourceUri","description":"URI of the resource to embed","required":true}]},
        {"name":"test_prompt_with_image","title":"Prompt With Image",
         "description":"A prompt that includes image content","arguments":[]},
        {"name":"test_input_required_result_prompt","title":"Input-required prompt",
         "description":"A prompt that asks the user for context before rendering",
         "arguments":[]}]}
        """,
        client.result("prompts/list", "{}"));
  }

  @Test
  void promptsGet() {
    assertJson(
        """
        {"messages":[{"role":"user","content":{"type":"text",
        "text":"This is a simple prompt for testing."}}]}
        """,
        client.result("prompts/get", "{\"name\":\"test_simple_prompt\"}"));
    assertJson(
        """
        {"messages":[{"role":"user","content":{"type":"text",
        "text":"Prompt with arguments: arg1='hello', arg2='world'"}}]}
        """,
        client.result(
            "prompts/get",
            "{\"name\":\"test_prompt_with_arguments\","
                + "\"arguments\":{\"arg1\":\"hello\",\"arg2\":\"world\"}}"));
    assertJson(
        """
        {"messages":[{"role":"user","content":{"type":"resource","resource":{
        "uri":"test://example-resource","mimeType":"text/plain",
        "text":"Embedded resource content for testing."}}},
        {"role":"user","content":{"type":"text",
        "text":"Please process the embedded resource above."}}]}
        """,
        client.result(
            "prompts/get",
            "{\"name\":\"test_prompt_with_embedded_resource\","
                + "\"arguments\":{\"resourceUri\":\"test://example-resource\"}}"));
    assertJson(
        """
        {"messages":[{"role":"user","content":{"type":"image","data":"%s",
        "mimeType":"image/png"}},{"role":"user","content":{"type":"text",
        "text":"Please analyze the image above."}}]}
        """
            .formatted(PNG),
        client.result("prompts/get", "{\"name\":\"test_prompt_with_image\"}"));
  }

  @Test
  void promptWithArgumentsNeedsThem() {
    JsonRpcError e =
        client.error(
            "prompts/get",
            "{\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"x\"}}");
    assertEquals(JsonRpcError.INVALID_PARAMS, e.code());
  }

  // ---------------------------------------------------------------- completion

  @Test
  void completion() {
    assertJson(
        "{\"completion\":{\"values\":[\"test\",\"testing\",\"tested\"],\"total\":3,\"hasMore\":false}}",
        client.result(
            "completion/complete",
            "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"},"
                + "\"argument\":{\"name\":\"arg1\",\"value\":\"test\"}}"));
    assertJson(
        "{\"completion\":{\"values\":[\"testing\"],\"total\":1,\"hasMore\":false}}",
        client.result(
            "completion/complete",
            "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"},"
                + "\"argument\":{\"name\":\"arg2\",\"value\":\"testi\"}}"));
    assertJson(
        "{\"completion\":{\"values\":[],\"total\":0,\"hasMore\":false}}",
        client.result(
            "completion/complete",
            "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"test_simple_prompt\"},"
                + "\"argument\":{\"name\":\"x\",\"value\":\"\"}}"));
    assertJson(
        "{\"completion\":{\"values\":[],\"total\":0,\"hasMore\":false}}",
        client.result(
            "completion/complete",
            "{\"ref\":{\"type\":\"ref/resource\",\"uri\":\"test://template/{id}/data\"},"
                + "\"argument\":{\"name\":\"id\",\"value\":\"1\"}}"));
  }

  // ---------------------------------------------------------------- tasks (2025-11-25)

  @Test
  void slowComputeRunsAsATaskAndTasksResultReturnsItsAnswer() {
    JsonNode created =
        client.result(
            "tools/call",
            "{\"name\":\"slow_compute\",\"arguments\":{\"seconds\":0.2,\"label\":\"x\"},"
                + "\"task\":{\"ttl\":60000}}");
    String id = created.path("task").path("taskId").asText();
    assertEquals("working", created.path("task").path("status").asText());
    JsonNode result = client.result("tasks/result", "{\"taskId\":\"" + id + "\"}");
    assertEquals("Computed x after 0.2 s", textOf(result));
    assertEquals(
        "completed",
        client.result("tasks/get", "{\"taskId\":\"" + id + "\"}").path("status").asText());
  }

  @Test
  void failingJobIsOnlyATaskAndEndsInAToolError() {
    assertEquals(-32601, client.error("tools/call", "{\"name\":\"failing_job\"}").code());
    JsonNode created =
        client.result("tools/call", "{\"name\":\"failing_job\",\"task\":{}}");
    String id = created.path("task").path("taskId").asText();
    JsonNode result = client.result("tasks/result", "{\"taskId\":\"" + id + "\"}");
    assertTrue(result.path("isError").asBoolean());
  }
}
