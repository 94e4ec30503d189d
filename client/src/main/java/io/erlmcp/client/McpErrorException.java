package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;

/** The server answered a request with a JSON-RPC error (or the client refused it locally). */
public class McpErrorException extends McpException {
  private static final long serialVersionUID = 1L;

  private final transient JsonRpcError error;

  public McpErrorException(JsonRpcError error) {
    super(error.message() + " (" + error.code() + ")");
    this.error = error;
  }

  public JsonRpcError error() {
    return error;
  }

  public int code() {
    return error.code();
  }

  /** The error's {@code data}, or {@code null}. */
  public JsonNode data() {
    return error.data();
  }
}
