package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** A resource with a fixed URI and the code that reads it. */
public record Resource(
    String uri,
    String name,
    String title,
    String description,
    String mimeType,
    Long size,
    Reader reader) {

  /** Reads the resource's current contents. */
  @FunctionalInterface
  public interface Reader {
    CompletionStage<List<ResourceContents>> read(String uri, RequestContext context)
        throws Exception;
  }

  public Resource {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reader, "reader");
  }

  public ObjectNode toJson(ProtocolVersion v) {
    ObjectNode n = Json.object().put("uri", uri).put("name", name);
    if (title != null && v.hasTitles()) {
      n.put("title", title);
    }
    if (description != null) {
      n.put("description", description);
    }
    if (mimeType != null) {
      n.put("mimeType", mimeType);
    }
    if (size != null) {
      n.put("size", size);
    }
    return n;
  }
}
