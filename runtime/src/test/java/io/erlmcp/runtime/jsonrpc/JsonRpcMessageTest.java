package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import org.junit.jupiter.api.Test;

class JsonRpcMessageTest {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void absentParamsAreNull() {
    assertNull(new Request(RequestId.of(1), "ping", null).params());
    assertNull(new Request(RequestId.of(1), "ping", NullNode.getInstance()).params());
    assertNull(new Notification("n", MissingNode.getInstance()).params());
  }

  @Test
  void paramsMustBeStructured() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new Request(RequestId.of(1), "m", TextNode.valueOf("x")));
    assertThrows(IllegalArgumentException.class, () -> new Notification("m", NODES.numberNode(1)));
    assertEquals(NODES.arrayNode(), new Notification("m", NODES.arrayNode()).params());
  }

  @Test
  void requiredMembersAreChecked() {
    assertThrows(NullPointerException.class, () -> new Request(null, "m", null));
    assertThrows(NullPointerException.class, () -> new Request(RequestId.of(1), null, null));
    assertThrows(NullPointerException.class, () -> new Notification(null, null));
    assertThrows(NullPointerException.class, () -> new Response(null, null));
    assertThrows(NullPointerException.class, () -> new ErrorResponse(null, null));
  }

  @Test
  void nullResultIsJsonNull() {
    assertEquals(NullNode.getInstance(), new Response(RequestId.of(1), null).result());
  }

  @Test
  void factoriesBuildTheRecords() {
    RequestId id = RequestId.of("a");
    assertEquals(new Request(id, "m", null), JsonRpcMessage.request(id, "m", null));
    assertEquals(new Notification("m", null), JsonRpcMessage.notification("m", null));
    assertEquals(
        new Response(id, NODES.objectNode()), JsonRpcMessage.response(id, NODES.objectNode()));
    assertEquals(
        new ErrorResponse(null, JsonRpcError.internalError("x")),
        JsonRpcMessage.error(null, JsonRpcError.internalError("x")));
    assertEquals(
        new ErrorResponse(id, JsonRpcError.of(-32001, "t")), ErrorResponse.of(id, -32001, "t"));
  }
}
