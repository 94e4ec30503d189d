package io.erlmcp.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;

/** JSON-RPC messages the message-channel transport tests send, as text. */
public final class Mcp {
  private Mcp() {}

  public static String req(int id, String method, JsonNode params) {
    ObjectNode n = Json.object().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      n.set("params", params);
    }
    return n.toString();
  }

  public static String toolCall(int id, String tool, ObjectNode args) {
    ObjectNode p = Json.object().put("name", tool);
    p.set("arguments", args);
    return req(id, "tools/call", p);
  }

  /** An initialize request (2025-11-25) with the sampling capability. */
  public static String initialize(int id, String client) {
    ObjectNode p = Json.object().put("protocolVersion", "2025-11-25");
    p.putObject("capabilities").putObject("sampling");
    p.putObject("clientInfo").put("name", client).put("version", "1");
    return req(id, "initialize", p);
  }

  public static final String INITIALIZED =
      "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

  /** A client's result for a server request with this id. */
  public static String result(JsonNode id, JsonNode result) {
    ObjectNode n = Json.object().put("jsonrpc", "2.0");
    n.set("id", id);
    n.set("result", result);
    return n.toString();
  }
}
