package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;

/** A content block of a tool result or prompt message. */
public sealed interface Content {

  /** The block as the given revision writes it. */
  ObjectNode toJson(ProtocolVersion version);

  static Text text(String text) {
    return new Text(text, null);
  }

  static Image image(String base64, String mimeType) {
    return new Image(base64, mimeType, null);
  }

  static Audio audio(String base64, String mimeType) {
    return new Audio(base64, mimeType, null);
  }

  static EmbeddedResource resource(ResourceContents contents) {
    return new EmbeddedResource(contents, null);
  }

  static ResourceLink resourceLink(String uri, String name, String description, String mimeType) {
    return new ResourceLink(uri, name, description, mimeType, null);
  }

  /** Optional annotations (audience, priority, lastModified) of any block. */
  private static ObjectNode base(String type, ObjectNode annotations) {
    ObjectNode n = Json.object().put("type", type);
    if (annotations != null) {
      n.set("annotations", annotations);
    }
    return n;
  }

  record Text(String text, ObjectNode annotations) implements Content {
    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      return base("text", annotations).put("text", text);
    }
  }

  record Image(String data, String mimeType, ObjectNode annotations) implements Content {
    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      return base("image", annotations).put("data", data).put("mimeType", mimeType);
    }
  }

  /** Audio content (2025-03-26 and later); older revisions get a text note instead. */
  record Audio(String data, String mimeType, ObjectNode annotations) implements Content {
    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      if (!v.hasAudioContent()) {
        return base("text", annotations).put("text", "[audio " + mimeType + " omitted]");
      }
      return base("audio", annotations).put("data", data).put("mimeType", mimeType);
    }
  }

  record EmbeddedResource(ResourceContents resource, ObjectNode annotations) implements Content {
    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      ObjectNode n = base("resource", annotations);
      n.set("resource", resource.toJson());
      return n;
    }
  }

  /** A link to a resource (2025-06-18 and later); older revisions get the link as text. */
  record ResourceLink(
      String uri, String name, String description, String mimeType, ObjectNode annotations)
      implements Content {
    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      if (!v.hasResourceLinks()) {
        return base("text", annotations).put("text", uri);
      }
      ObjectNode n = base("resource_link", annotations).put("uri", uri).put("name", name);
      if (description != null) {
        n.put("description", description);
      }
      if (mimeType != null) {
        n.put("mimeType", mimeType);
      }
      return n;
    }
  }

  /**
   * A block already written for the request's revision, carried as it is: what a tool or prompt
   * served by another node of the cluster returned (see {@link RemoteCatalog}).
   */
  record Raw(ObjectNode json) implements Content {
    public Raw {
      json = json.deepCopy();
    }

    @Override
    public ObjectNode toJson(ProtocolVersion v) {
      return json.deepCopy();
    }
  }
}
