package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.jsonrpc.Decoded.Failure;
import io.erlmcp.runtime.jsonrpc.Decoded.Single;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;

/**
 * Checks one parsed JSON value against the JSON-RPC 2.0 message rules (with MCP's non-null ids).
 * Pure and exception-free: every input yields a {@link Single} or an {@link
 * JsonRpcError#INVALID_REQUEST} {@link Failure}.
 *
 * <p>Classification: {@code method} makes it a call (a request when {@code id} is present, a
 * notification otherwise); {@code result} or {@code error} without {@code method} makes it a
 * response. Unknown members are ignored.
 */
final class MessageReader {

  private MessageReader() {}

  static Decoded.Item read(JsonNode node) {
    if (!node.isObject()) {
      return invalid(null, "message must be a JSON object");
    }
    JsonNode idNode = node.get("id");
    RequestId id = RequestId.isValid(idNode) ? RequestId.of(idNode) : null;
    JsonNode version = node.get("jsonrpc");
    if (version == null || !version.isTextual() || !"2.0".equals(version.textValue())) {
      return invalid(id, "jsonrpc must be \"2.0\"");
    }
    return node.has("method") ? readCall(node, idNode, id) : readResponse(node, idNode, id);
  }

  private static Decoded.Item readCall(JsonNode node, JsonNode idNode, RequestId id) {
    JsonNode method = node.get("method");
    if (!method.isTextual()) {
      return invalid(id, "method must be a string");
    }
    if (node.has("result") || node.has("error")) {
      return invalid(id, "a request cannot carry result or error");
    }
    JsonNode params = node.get("params");
    if (params != null && !params.isContainerNode()) {
      return invalid(id, "params must be an object or an array");
    }
    if (idNode == null) {
      return new Single(new Notification(method.textValue(), params));
    }
    if (id == null) {
      return invalid(null, "id must be a string or an integer");
    }
    return new Single(new Request(id, method.textValue(), params));
  }

  private static Decoded.Item readResponse(JsonNode node, JsonNode idNode, RequestId id) {
    JsonNode result = node.get("result");
    JsonNode error = node.get("error");
    if (result == null && error == null) {
      return invalid(id, "message needs method, result or error");
    }
    if (result != null && error != null) {
      return invalid(id, "a response cannot carry both result and error");
    }
    if (idNode == null) {
      return invalid(null, "a response needs an id");
    }
    if (result != null) {
      return id == null
          ? invalid(null, "id must be a string or an integer")
          : new Single(new Response(id, result));
    }
    // an error response may have "id": null when the request id was unreadable
    if (id == null && !idNode.isNull()) {
      return invalid(null, "id must be a string, an integer or null");
    }
    JsonRpcError parsed = readError(error);
    return parsed == null
        ? invalid(id, "error must be an object with an integer code and a string message")
        : new Single(new ErrorResponse(id, parsed));
  }

  private static JsonRpcError readError(JsonNode error) {
    if (!error.isObject()) {
      return null;
    }
    JsonNode code = error.get("code");
    JsonNode message = error.get("message");
    if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()) {
      return null;
    }
    if (message == null || !message.isTextual()) {
      return null;
    }
    return new JsonRpcError(code.intValue(), message.textValue(), error.get("data"));
  }

  private static Failure invalid(RequestId id, String reason) {
    return new Failure(
        new ErrorResponse(id, JsonRpcError.invalidRequest("Invalid Request: " + reason)));
  }
}
