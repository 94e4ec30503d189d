package io.erlmcp.runtime.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** A family of resources named by an RFC 6570 URI template, and the code that reads them. */
public record ResourceTemplate(
    UriTemplate uriTemplate,
    String name,
    String title,
    String description,
    String mimeType,
    Reader reader) {

  /** Reads a resource of the template, given the variables matched from its URI. */
  @FunctionalInterface
  public interface Reader {
    CompletionStage<List<ResourceContents>> read(
        String uri, Map<String, String> variables, RequestContext context) throws Exception;
  }

  public ResourceTemplate {
    Objects.requireNonNull(uriTemplate, "uriTemplate");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(reader, "reader");
  }

  public ObjectNode toJson(ProtocolVersion v) {
    ObjectNode n = Json.object().put("uriTemplate", uriTemplate.template()).put("name", name);
    if (title != null && v.hasTitles()) {
      n.put("title", title);
    }
    if (description != null) {
      n.put("description", description);
    }
    if (mimeType != null) {
      n.put("mimeType", mimeType);
    }
    return n;
  }
}
