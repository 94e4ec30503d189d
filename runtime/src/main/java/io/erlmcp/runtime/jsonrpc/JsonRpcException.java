package io.erlmcp.runtime.jsonrpc;

import java.util.Objects;

/**
 * Thrown by handler code to answer a request with a JSON-RPC error instead of a result.
 *
 * <p>The dispatcher turns it into an {@link JsonRpcMessage.ErrorResponse} carrying {@link
 * #error()}; the exception message is the error message.
 */
public class JsonRpcException extends RuntimeException {

  private final JsonRpcError error;

  public JsonRpcException(JsonRpcError error) {
    super(Objects.requireNonNull(error, "error").message());
    this.error = error;
  }

  public JsonRpcException(JsonRpcError error, Throwable cause) {
    super(Objects.requireNonNull(error, "error").message(), cause);
    this.error = error;
  }

  public static JsonRpcException invalidParams(String message) {
    return new JsonRpcException(JsonRpcError.invalidParams(message));
  }

  public static JsonRpcException methodNotFound(String method) {
    return new JsonRpcException(JsonRpcError.methodNotFound(method));
  }

  public static JsonRpcException resourceNotFound(String message) {
    return new JsonRpcException(JsonRpcError.resourceNotFound(message));
  }

  public JsonRpcError error() {
    return error;
  }
}
