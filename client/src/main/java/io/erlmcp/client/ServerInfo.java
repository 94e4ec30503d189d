package io.erlmcp.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;

/**
 * What the client learned when it connected: from the {@code initialize} answer (session
 * revisions) or from {@code server/discover} (2026-07-28).
 *
 * @param protocolVersion the revision in use
 * @param serverInfo {@code {name, version, ...}} (an empty object when the server sent none)
 * @param capabilities the server's capabilities
 * @param instructions the server's instructions, or null
 * @param supportedVersions what {@code server/discover} listed (empty for session revisions)
 * @param sessionId the HTTP session id, or null
 */
public record ServerInfo(
    ProtocolVersion protocolVersion,
    JsonNode serverInfo,
    JsonNode capabilities,
    String instructions,
    List<String> supportedVersions,
    String sessionId) {

  public String name() {
    return serverInfo.path("name").asText(null);
  }

  /** Whether the server declared the capability, e.g. {@code "tools"}. */
  public boolean has(String capability) {
    return capabilities.has(capability);
  }
}
