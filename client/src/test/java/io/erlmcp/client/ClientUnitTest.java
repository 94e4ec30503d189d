package io.erlmcp.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.erlmcp.runtime.Json;
import org.junit.jupiter.api.Test;

/** The parts of McpClient that need no server. */
class ClientUnitTest {
  private static final String SCHEMA =
      "{\"type\":\"object\",\"properties\":{"
          + "\"name\":{\"type\":\"string\",\"default\":\"John Doe\"},"
          + "\"age\":{\"type\":\"integer\",\"default\":30},"
          + "\"note\":{\"type\":\"string\"}}}";

  @Test
  void anAcceptedElicitationGetsTheDefaultsOfTheFieldsLeftOut() {
    var result = McpClient.withDefaults(Json.parseObject("{\"action\":\"accept\",\"content\":{\"age\":41}}"), Json.parse(SCHEMA));
    assertEquals(Json.parse("{\"action\":\"accept\",\"content\":{\"age\":41,\"name\":\"John Doe\"}}"), result);
    var empty = McpClient.withDefaults(Json.parseObject("{\"action\":\"accept\"}"), Json.parse(SCHEMA));
    assertEquals(Json.parse("{\"action\":\"accept\",\"content\":{\"name\":\"John Doe\",\"age\":30}}"), empty);
  }

  @Test
  void aDeclinedElicitationIsLeftAlone() {
    var declined = Json.parseObject("{\"action\":\"decline\"}");
    assertEquals(declined, McpClient.withDefaults(declined, Json.parse(SCHEMA)));
  }

  @Test
  void xMcpHeaderAnnotationsAreValidated() {
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    assertEquals(null, McpClient.customHeaders(Json.parse(
        "{\"properties\":{\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
            + "\"n\":{\"type\":\"integer\",\"x-mcp-header\":\"N\"},\"q\":{\"type\":\"string\"}}}"), out));
    assertEquals(java.util.Map.of("region", "Region", "n", "N"), out);
    for (String bad : new String[] {
        "{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}",
        "{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"My Region\"}}",
        "{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Region:Primary\"}}",
        "{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Région\"}}",
        "{\"a\":{\"type\":\"number\",\"x-mcp-header\":\"Score\"}}",
        "{\"a\":{\"type\":\"object\",\"x-mcp-header\":\"Data\"}}",
        "{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"MyField\"},\"b\":{\"type\":\"string\",\"x-mcp-header\":\"myfield\"}}"}) {
      String why = McpClient.customHeaders(Json.parse("{\"properties\":" + bad + "}"), new java.util.HashMap<>());
      assertEquals(true, why != null, bad);
    }
  }
}
