package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;

/**
 * The id of a JSON-RPC request: a string or an integer that fits in a {@code long}.
 *
 * <p>MCP forbids {@code null} ids, and fractional ids are rejected (JSON-RPC says they SHOULD NOT
 * be used; MCP says "string or integer"). {@code Str("7")} and {@code Num(7)} are different ids.
 */
public sealed interface RequestId {

  /** The JSON form of this id. */
  JsonNode toJson();

  /** A string id; any string, including the empty one. */
  record Str(String value) implements RequestId {
    public Str {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public JsonNode toJson() {
      return TextNode.valueOf(value);
    }

    /** The id as JSON, quoted and escaped: {@code "abc"}. */
    @Override
    public String toString() {
      return toJson().toString();
    }
  }

  /** An integer id. */
  record Num(long value) implements RequestId {
    @Override
    public JsonNode toJson() {
      return LongNode.valueOf(value);
    }

    /** The id as JSON: {@code 7}. */
    @Override
    public String toString() {
      return Long.toString(value);
    }
  }

  static RequestId of(String value) {
    return new Str(value);
  }

  static RequestId of(long value) {
    return new Num(value);
  }

  /**
   * Reads an id from JSON.
   *
   * @param node the value of an {@code "id"} member; Java {@code null} or a missing node when the
   *     member is absent
   * @return the id, or {@code null} when absent
   * @throws IllegalArgumentException when present but not a string or an integer in {@code long}
   *     range (JSON {@code null}, booleans, fractional or too-large numbers, objects, arrays)
   */
  static RequestId of(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return null;
    }
    RequestId id = parseOrNull(node);
    if (id == null) {
      throw new IllegalArgumentException("Invalid request id kind: " + node.getNodeType());
    }
    return id;
  }

  /** Whether {@code node} is a valid id (string, or integer in {@code long} range). */
  static boolean isValid(JsonNode node) {
    return node != null && parseOrNull(node) != null;
  }

  private static RequestId parseOrNull(JsonNode node) {
    if (node.isTextual()) {
      return new Str(node.textValue());
    }
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return new Num(node.longValue());
    }
    return null;
  }
}
