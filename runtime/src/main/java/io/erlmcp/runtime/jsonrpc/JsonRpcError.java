package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * The {@code error} member of a JSON-RPC error response.
 *
 * @param code the error code; -32768..-32000 are reserved by JSON-RPC (and MCP)
 * @param message a short, single-sentence description
 * @param data extra information, or {@code null} when there is none
 */
public record JsonRpcError(int code, String message, JsonNode data) {

  /** Invalid JSON was received. */
  public static final int PARSE_ERROR = -32700;

  /** The JSON sent is not a valid request object. */
  public static final int INVALID_REQUEST = -32600;

  /** The method does not exist or is not available. */
  public static final int METHOD_NOT_FOUND = -32601;

  /** Invalid method parameters. */
  public static final int INVALID_PARAMS = -32602;

  /** Internal JSON-RPC error. */
  public static final int INTERNAL_ERROR = -32603;

  /** MCP: the requested resource does not exist. */
  public static final int RESOURCE_NOT_FOUND = -32002;

  public JsonRpcError {
    Objects.requireNonNull(message, "message");
  }

  public static JsonRpcError of(int code, String message) {
    return new JsonRpcError(code, message, null);
  }

  public static JsonRpcError parseError(String message) {
    return of(PARSE_ERROR, message);
  }

  public static JsonRpcError invalidRequest(String message) {
    return of(INVALID_REQUEST, message);
  }

  /** {@code Method not found: <method>}. */
  public static JsonRpcError methodNotFound(String method) {
    return of(METHOD_NOT_FOUND, "Method not found: " + method);
  }

  public static JsonRpcError invalidParams(String message) {
    return of(INVALID_PARAMS, message);
  }

  public static JsonRpcError internalError(String message) {
    return of(INTERNAL_ERROR, message);
  }

  public static JsonRpcError resourceNotFound(String message) {
    return of(RESOURCE_NOT_FOUND, message);
  }

  /** A copy of this error carrying {@code data} (which may be {@code null} to drop it). */
  public JsonRpcError withData(JsonNode data) {
    return new JsonRpcError(code, message, data);
  }
}
