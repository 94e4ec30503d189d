package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Objects;

/**
 * One JSON-RPC 2.0 message. The {@code "jsonrpc":"2.0"} member is implied: the codec checks it on
 * the way in and writes it on the way out.
 *
 * <p>Params and results are kept as Jackson trees, untouched, including any {@code _meta} member.
 * JSON-RPC allows params to be an object or an array; MCP only uses objects, so a method handler
 * answers array params with {@link JsonRpcError#INVALID_PARAMS}. JSON nodes are mutable: treat the
 * trees in a message as read-only once the message is built.
 */
public sealed interface JsonRpcMessage {

  /** A call that expects a {@link Response} or an {@link ErrorResponse} with the same id. */
  record Request(RequestId id, String method, JsonNode params) implements JsonRpcMessage {
    /**
     * @param params an object or an array; {@code null} (or a JSON null or missing node) when
     *     absent
     */
    public Request {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(method, "method");
      params = structuredOrNull(params);
    }
  }

  /** A call without an id; it is never answered. */
  record Notification(String method, JsonNode params) implements JsonRpcMessage {
    /**
     * @param params an object or an array; {@code null} (or a JSON null or missing node) when
     *     absent
     */
    public Notification {
      Objects.requireNonNull(method, "method");
      params = structuredOrNull(params);
    }
  }

  /**
   * A successful answer; {@code result} is any JSON value (a Java {@code null} becomes JSON null).
   */
  record Response(RequestId id, JsonNode result) implements JsonRpcMessage {
    public Response {
      Objects.requireNonNull(id, "id");
      result = result == null ? NullNode.getInstance() : result;
    }
  }

  /**
   * A failed answer. {@code id} is {@code null} when the id of the offending request could not be
   * determined (it is then written as {@code "id": null}).
   */
  record ErrorResponse(RequestId id, JsonRpcError error) implements JsonRpcMessage {
    public ErrorResponse {
      Objects.requireNonNull(error, "error");
    }

    public static ErrorResponse of(RequestId id, int code, String message) {
      return new ErrorResponse(id, JsonRpcError.of(code, message));
    }
  }

  static Request request(RequestId id, String method, JsonNode params) {
    return new Request(id, method, params);
  }

  static Notification notification(String method, JsonNode params) {
    return new Notification(method, params);
  }

  static Response response(RequestId id, JsonNode result) {
    return new Response(id, result);
  }

  static ErrorResponse error(RequestId id, JsonRpcError error) {
    return new ErrorResponse(id, error);
  }

  private static JsonNode structuredOrNull(JsonNode params) {
    if (params == null || params.isNull() || params.isMissingNode()) {
      return null;
    }
    if (!params.isContainerNode()) {
      throw new IllegalArgumentException(
          "params must be an object or an array, not " + params.getNodeType());
    }
    return params;
  }
}
