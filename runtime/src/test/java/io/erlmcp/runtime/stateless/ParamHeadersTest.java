package io.erlmcp.runtime.stateless;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** SEP-2243 Mcp-Param headers against the body: the cases of the SEP's table and a few more. */
class ParamHeadersTest {
  private static final ObjectNode SCHEMA =
      Json.parseObject(
          "{\"type\":\"object\",\"properties\":{"
              + "\"region\":{\"type\":\"string\",\"x-mcp-header\":\"Region\"},"
              + "\"count\":{\"type\":\"integer\",\"x-mcp-header\":\"Count\"},"
              + "\"plain\":{\"type\":\"string\"}}}");

  private static void check(String argsJson, Map<String, String> headers) {
    TreeMap<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    h.putAll(headers);
    ParamHeaders.check(SCHEMA, Json.parseObject(argsJson), n -> Optional.ofNullable(h.get(n)));
  }

  private static void refused(String argsJson, Map<String, String> headers) {
    JsonRpcException e = assertThrows(JsonRpcException.class, () -> check(argsJson, headers));
    assertEquals(StatelessMeta.HEADER_MISMATCH, e.error().code());
  }

  @Test
  void aLiteralOrBase64HeaderEqualToTheBodyIsAccepted() {
    assertDoesNotThrow(() -> check("{\"region\":\"Hello\"}", Map.of("Mcp-Param-Region", "Hello")));
    assertDoesNotThrow(
        () -> check("{\"region\":\"Hello\"}", Map.of("mcp-param-region", "=?base64?SGVsbG8=?=")));
    assertDoesNotThrow(
        () -> check("{\"region\":\"SGVsbG8=\"}", Map.of("Mcp-Param-Region", "SGVsbG8=")));
    assertDoesNotThrow(
        () ->
            check(
                "{\"region\":\"=?base64?SGVsbG8=\"}",
                Map.of("Mcp-Param-Region", "=?base64?SGVsbG8=")));
    assertDoesNotThrow(
        () -> check("{\"region\":\"x\"}", Map.of("Mcp-Param-Region", "  x  ")), "OWS trimmed");
    assertDoesNotThrow(() -> check("{\"count\":42}", Map.of("Mcp-Param-Count", "42")));
    assertDoesNotThrow(() -> check("{\"plain\":\"p\"}", Map.of()), "no header keyword, no check");
    assertDoesNotThrow(
        () -> check("{\"region\":\"Zürich\"}", Map.of("Mcp-Param-Region", "=?base64?WsO8cmljaA==?=")));
  }

  @Test
  void badBase64MissingOrDifferentHeadersAreRefused() {
    refused("{\"region\":\"Hello\"}", Map.of("Mcp-Param-Region", "=?base64?SGVsbG8?="));
    refused("{\"region\":\"Hello\"}", Map.of("Mcp-Param-Region", "=?base64?SGVs!!!bG8=?="));
    refused("{\"region\":\"Hello\"}", Map.of());
    refused("{}", Map.of("Mcp-Param-Region", "Hello"));
    refused("{\"region\":\"Hello\"}", Map.of("Mcp-Param-Region", "hello"));
    refused("{\"count\":42}", Map.of("Mcp-Param-Count", "43"));
    refused("{\"region\":\"x\"}", Map.of("Mcp-Param-Region", "=?base64?/w==?="));
  }
}
