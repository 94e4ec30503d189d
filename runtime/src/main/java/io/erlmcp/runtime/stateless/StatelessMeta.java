package io.erlmcp.runtime.stateless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.Arrays;
import java.util.List;

/**
 * The per-request {@code _meta} of the stateless revision (2026-07-28): what a session learned
 * once in {@code initialize} travels with every request instead. Parsing is strict where the
 * spec is ({@code protocolVersion}, {@code clientCapabilities}) and lenient where it is not
 * ({@code clientInfo} is optional).
 */
public record StatelessMeta(
    ProtocolVersion version, JsonNode clientCapabilities, JsonNode clientInfo, LogLevel logLevel) {

  public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
  public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
  public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
  public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
  public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
  public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

  /** HTTP headers and body disagree (Mcp-Method, Mcp-Name, MCP-Protocol-Version). */
  public static final int HEADER_MISMATCH = -32020;

  /** The request needs a client capability the client did not declare. */
  public static final int MISSING_CLIENT_CAPABILITY = -32021;

  /** The requested protocol version is not served. */
  public static final int UNSUPPORTED_PROTOCOL_VERSION = -32022;

  /** The version named in a request's {@code _meta}, or null when there is none. */
  public static String versionOf(JsonNode params) {
    if (params == null || !params.isObject()) {
      return null;
    }
    JsonNode v = params.path("_meta").get(PROTOCOL_VERSION);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  /**
   * Validates and reads a stateless request's {@code _meta}. Throws -32602 for a missing or
   * malformed {@code _meta}, -32022 for a version erlmcp does not serve statelessly.
   */
  public static StatelessMeta parse(JsonNode params) {
    if (params != null && !params.isNull() && !params.isObject()) {
      throw invalid("params must be an object");
    }
    JsonNode meta = params == null ? null : params.get("_meta");
    if (meta == null || !meta.isObject()) {
      throw invalid("params._meta is required on protocol revision 2026-07-28");
    }
    JsonNode version = meta.get(PROTOCOL_VERSION);
    if (version == null || !version.isTextual()) {
      throw invalid("_meta." + PROTOCOL_VERSION + " must be a string");
    }
    JsonNode caps = meta.get(CLIENT_CAPABILITIES);
    if (caps == null || !caps.isObject()) {
      throw invalid("_meta." + CLIENT_CAPABILITIES + " must be an object");
    }
    ProtocolVersion v =
        ProtocolVersion.parse(version.asText())
            .filter(ProtocolVersion::isStateless)
            .orElseThrow(() -> unsupportedVersion(version.asText()));
    JsonNode info = meta.get(CLIENT_INFO);
    if (info != null && !info.isNull() && !info.isObject()) {
      throw invalid("_meta." + CLIENT_INFO + " must be an object");
    }
    LogLevel level = null;
    JsonNode l = meta.get(LOG_LEVEL);
    if (l != null && !l.isNull()) {
      level =
          LogLevel.parse(l.asText())
              .orElseThrow(() -> invalid("_meta." + LOG_LEVEL + " is not a log level"));
    }
    return new StatelessMeta(
        v, caps, info == null || info.isNull() ? NullNode.getInstance() : info, level);
  }

  /** Every revision erlmcp serves, newest first (the list server/discover and -32022 give). */
  public static List<String> supportedVersions() {
    ProtocolVersion[] all = ProtocolVersion.values();
    return Arrays.stream(all)
        .sorted((a, b) -> b.compareTo(a))
        .map(ProtocolVersion::id)
        .toList();
  }

  public static JsonRpcException unsupportedVersion(String requested) {
    ArrayNode supported = Json.NODES.arrayNode();
    supportedVersions().forEach(supported::add);
    com.fasterxml.jackson.databind.node.ObjectNode data = Json.object();
    data.set("supported", supported);
    data.put("requested", requested);
    return new JsonRpcException(
        JsonRpcError.of(UNSUPPORTED_PROTOCOL_VERSION, "Unsupported protocol version: " + requested)
            .withData(data));
  }

  public static JsonRpcException headerMismatch(String message) {
    return new JsonRpcException(JsonRpcError.of(HEADER_MISMATCH, message));
  }

  /** -32021 with {@code data.requiredCapabilities} such as {@code {"sampling":{}}}. */
  public static JsonRpcException missingCapability(String capability) {
    com.fasterxml.jackson.databind.node.ObjectNode data = Json.object();
    data.putObject("requiredCapabilities").putObject(capability);
    return new JsonRpcException(
        JsonRpcError.of(
                MISSING_CLIENT_CAPABILITY,
                "The client did not declare the " + capability + " capability this request needs")
            .withData(data));
  }

  private static JsonRpcException invalid(String message) {
    return new JsonRpcException(JsonRpcError.invalidParams(message));
  }
}
