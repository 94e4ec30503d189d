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
}
