package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.util.Base64;

/** The contents of a resource: text, or a blob carried as base64. */
public sealed interface ResourceContents {

  String uri();

  ObjectNode toJson();

  /** The contents as {@link #toJson()} wrote them (text, else blob). */
  static ResourceContents fromJson(com.fasterxml.jackson.databind.JsonNode n) {
    String uri = n.path("uri").asText();
    String mimeType = n.hasNonNull("mimeType") ? n.get("mimeType").asText() : null;
    if (n.has("blob")) {
      return new Blob(uri, mimeType, n.path("blob").asText());
    }
    return new Text(uri, mimeType, n.path("text").asText());
  }

  static Text text(String uri, String mimeType, String text) {
    return new Text(uri, mimeType, text);
  }

  static Blob blob(String uri, String mimeType, byte[] bytes) {
    return new Blob(uri, mimeType, Base64.getEncoder().encodeToString(bytes));
  }

  record Text(String uri, String mimeType, String text) implements ResourceContents {
    @Override
    public ObjectNode toJson() {
      ObjectNode n = Json.object().put("uri", uri);
      if (mimeType != null) {
        n.put("mimeType", mimeType);
      }
      return n.put("text", text);
    }
  }

  /** @param base64 the bytes, base64-encoded */
  record Blob(String uri, String mimeType, String base64) implements ResourceContents {
    @Override
    public ObjectNode toJson() {
      ObjectNode n = Json.object().put("uri", uri);
      if (mimeType != null) {
        n.put("mimeType", mimeType);
      }
      return n.put("blob", base64);
    }
  }
}
