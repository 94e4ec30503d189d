package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class JsonRpcErrorTest {

  @Test
  void codesAreTheSpecifiedOnes() {
    assertEquals(-32700, JsonRpcError.PARSE_ERROR);
    assertEquals(-32600, JsonRpcError.INVALID_REQUEST);
    assertEquals(-32601, JsonRpcError.METHOD_NOT_FOUND);
    assertEquals(-32602, JsonRpcError.INVALID_PARAMS);
    assertEquals(-32603, JsonRpcError.INTERNAL_ERROR);
    assertEquals(-32002, JsonRpcError.RESOURCE_NOT_FOUND);
  }

  @Test
  void factoriesSetCodeAndMessage() {
    assertEquals(new JsonRpcError(-32700, "p", null), JsonRpcError.parseError("p"));
    assertEquals(new JsonRpcError(-32600, "r", null), JsonRpcError.invalidRequest("r"));
    assertEquals(
        new JsonRpcError(-32601, "Method not found: tools/call", null),
        JsonRpcError.methodNotFound("tools/call"));
    assertEquals(new JsonRpcError(-32602, "a", null), JsonRpcError.invalidParams("a"));
    assertEquals(new JsonRpcError(-32603, "i", null), JsonRpcError.internalError("i"));
    assertEquals(new JsonRpcError(-32002, "f", null), JsonRpcError.resourceNotFound("f"));
    assertEquals(new JsonRpcError(42, "x", null), JsonRpcError.of(42, "x"));
  }

  @Test
  void withDataCopies() {
    JsonRpcError plain = JsonRpcError.invalidParams("bad");
    JsonRpcError rich = plain.withData(TextNode.valueOf("uri"));
    assertNull(plain.data());
    assertEquals(TextNode.valueOf("uri"), rich.data());
    assertEquals(plain, rich.withData(null));
  }

  @Test
  void messageIsRequired() {
    assertThrows(NullPointerException.class, () -> JsonRpcError.of(1, null));
  }

  @Test
  void exceptionCarriesTheError() {
    JsonRpcError error = JsonRpcError.resourceNotFound("file:///x");
    JsonRpcException e = new JsonRpcException(error);
    assertSame(error, e.error());
    assertEquals("file:///x", e.getMessage());
    IllegalStateException cause = new IllegalStateException();
    assertSame(cause, new JsonRpcException(error, cause).getCause());
    assertEquals(-32602, JsonRpcException.invalidParams("p").error().code());
    assertEquals(-32601, JsonRpcException.methodNotFound("m").error().code());
    assertEquals(-32002, JsonRpcException.resourceNotFound("r").error().code());
  }
}
