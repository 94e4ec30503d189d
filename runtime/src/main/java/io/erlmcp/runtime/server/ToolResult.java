package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a tool returns. {@code isError} marks a tool execution error the model should see (bad
 * input, a failed API call); protocol errors are thrown as {@link
 * io.erlmcp.runtime.jsonrpc.JsonRpcException} instead.
 */
public record ToolResult(List<Content> content, JsonNode structuredContent, boolean isError) {

  public ToolResult {
    content = List.copyOf(content);
  }

  public static ToolResult of(Content... content) {
    return new ToolResult(List.of(content), null, false);
  }

  public static ToolResult text(String text) {
    return of(Content.text(text));
  }

  public static ToolResult error(String message) {
    return new ToolResult(List.of(Content.text(message)), null, true);
  }

  /** Structured output with its JSON text as the content, as the spec recommends. */
  public static ToolResult structured(JsonNode structured) {
    return new ToolResult(List.of(Content.text(structured.toString())), structured, false);
  }

  /** The result as {@code tools/call} answers it to a client of the given revision. */
  public com.fasterxml.jackson.databind.node.ObjectNode toJson(
      io.erlmcp.runtime.protocol.ProtocolVersion v) {
    com.fasterxml.jackson.databind.node.ObjectNode result = io.erlmcp.runtime.Json.object();
    com.fasterxml.jackson.databind.node.ArrayNode items = result.putArray("content");
    content.forEach(c -> items.add(c.toJson(v)));
    if (structuredContent != null) {
      if (v.hasStructuredContent()) {
        result.set("structuredContent", structuredContent);
      } else if (content.isEmpty()) {
        items.add(Content.text(structuredContent.toString()).toJson(v));
      }
    }
    if (isError) {
      result.put("isError", true);
    }
    return result;
  }

  /**
   * A result another node wrote with {@link #toJson} for the same revision: its content blocks
   * are carried as they are.
   */
  public static ToolResult fromJson(JsonNode n) {
    List<Content> blocks = new java.util.ArrayList<>();
    n.path("content").forEach(c -> blocks.add(new Content.Raw((com.fasterxml.jackson.databind.node.ObjectNode) c)));
    JsonNode structured = n.get("structuredContent");
    return new ToolResult(blocks, structured, n.path("isError").asBoolean(false));
  }
}
