package io.erlmcp.runtime.jsonrpc;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import java.io.IOException;

/** Writes one message object; {@code "jsonrpc":"2.0"} first, then the members of its kind. */
final class MessageWriter {

  private MessageWriter() {}

  static void write(JsonGenerator gen, JsonRpcMessage message) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("jsonrpc", "2.0");
    if (message instanceof Request r) {
      writeId(gen, r.id());
      gen.writeStringField("method", r.method());
      writeOptional(gen, "params", r.params());
    } else if (message instanceof Notification n) {
      gen.writeStringField("method", n.method());
      writeOptional(gen, "params", n.params());
    } else if (message instanceof Response r) {
      writeId(gen, r.id());
      gen.writeFieldName("result");
      writeNode(gen, r.result());
    } else if (message instanceof ErrorResponse e) {
      writeId(gen, e.id());
      writeError(gen, e.error());
    } else {
      throw new AssertionError("unknown message kind: " + message.getClass());
    }
    gen.writeEndObject();
  }

  private static void writeId(JsonGenerator gen, RequestId id) throws IOException {
    gen.writeFieldName("id");
    if (id == null) {
      gen.writeNull();
    } else if (id instanceof RequestId.Str s) {
      gen.writeString(s.value());
    } else if (id instanceof RequestId.Num n) {
      gen.writeNumber(n.value());
    } else {
      throw new AssertionError("unknown id kind: " + id.getClass());
    }
  }

  private static void writeError(JsonGenerator gen, JsonRpcError error) throws IOException {
    gen.writeObjectFieldStart("error");
    gen.writeNumberField("code", error.code());
    gen.writeStringField("message", error.message());
    writeOptional(gen, "data", error.data());
    gen.writeEndObject();
  }

  private static void writeOptional(JsonGenerator gen, String name, JsonNode value)
      throws IOException {
    if (value != null) {
      gen.writeFieldName(name);
      writeNode(gen, value);
    }
  }

  /**
   * Writes a tree as {@code gen.writeTree} does, without the serializer provider that Jackson
   * creates for every {@code writeTree} (a tenth of what a {@code tools/call} allocates). The
   * generator still enforces the nesting limit. Binary, POJO and missing nodes, which messages
   * rarely hold, are left to Jackson.
   */
  static void writeNode(JsonGenerator gen, JsonNode node) throws IOException {
    switch (node.getNodeType()) {
      case OBJECT -> {
        gen.writeStartObject(node, node.size());
        for (java.util.Map.Entry<String, JsonNode> e : node.properties()) {
          gen.writeFieldName(e.getKey());
          writeNode(gen, e.getValue());
        }
        gen.writeEndObject();
      }
      case ARRAY -> {
        gen.writeStartArray(node, node.size());
        for (JsonNode element : node) {
          writeNode(gen, element);
        }
        gen.writeEndArray();
      }
      case STRING -> gen.writeString(node.textValue());
      case BOOLEAN -> gen.writeBoolean(node.booleanValue());
      case NULL -> gen.writeNull();
      case NUMBER -> {
        switch (node.numberType()) {
          case INT -> gen.writeNumber(node.intValue());
          case LONG -> gen.writeNumber(node.longValue());
          case BIG_INTEGER -> gen.writeNumber(node.bigIntegerValue());
          case FLOAT -> gen.writeNumber(node.floatValue());
          case DOUBLE -> gen.writeNumber(node.doubleValue());
          default -> gen.writeNumber(node.decimalValue());
        }
      }
      default -> gen.writeTree(node);
    }
  }
}
