package io.erlmcp.runtime.protocol;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The MCP revisions erlmcp speaks, oldest first.
 *
 * <p>Every rule that differs between revisions is a predicate here, so handlers and transports
 * ask "does this session's revision have X" instead of comparing date strings. The four session
 * revisions are negotiated by {@code initialize}; 2026-07-28 is stateless (no {@code initialize},
 * no session) and is selected per request, never by negotiation.
 */
public enum ProtocolVersion {
  V2024_11_05("2024-11-05"),
  V2025_03_26("2025-03-26"),
  V2025_06_18("2025-06-18"),
  V2025_11_25("2025-11-25"),
  V2026_07_28("2026-07-28");

  /** The newest revision negotiated through {@code initialize}. */
  public static final ProtocolVersion LATEST_SESSION = V2025_11_25;

  /** The revision assumed over HTTP when a request carries no MCP-Protocol-Version header. */
  public static final ProtocolVersion HTTP_DEFAULT = V2025_03_26;

  private final String id;

  ProtocolVersion(String id) {
    this.id = id;
  }

  /** The revision's wire name, e.g. {@code 2025-06-18}. */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }

  /** The revision with this wire name, if erlmcp speaks it. */
  public static Optional<ProtocolVersion> parse(String id) {
    if (id == null) {
      return Optional.empty();
    }
    for (ProtocolVersion v : values()) {
      if (v.id.equals(id)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** The revisions a client can ask for in {@code initialize}. */
  public static List<ProtocolVersion> sessionRevisions() {
    return Arrays.stream(values()).filter(v -> !v.isStateless()).toList();
  }

  /**
   * Version negotiation of {@code initialize}: the client's revision when erlmcp speaks it as a
   * session revision, otherwise the newest session revision (the client then decides whether it
   * can continue).
   */
  public static ProtocolVersion negotiate(String requested) {
    return parse(requested).filter(v -> !v.isStateless()).orElse(LATEST_SESSION);
  }

  public boolean atLeast(ProtocolVersion other) {
    return compareTo(other) >= 0;
  }

  /** 2026-07-28: no initialize, no session, per-request {@code _meta}. */
  public boolean isStateless() {
    return this == V2026_07_28;
  }

  /** JSON-RPC batches: only 2025-03-26 allows them. */
  public boolean allowsBatches() {
    return this == V2025_03_26;
  }

  /** Tool annotations, audio content, completions capability, progress messages. */
  public boolean hasToolAnnotations() {
    return atLeast(V2025_03_26);
  }

  public boolean hasAudioContent() {
    return atLeast(V2025_03_26);
  }

  public boolean hasProgressMessage() {
    return atLeast(V2025_03_26);
  }

  public boolean hasCompletionsCapability() {
    return atLeast(V2025_03_26);
  }

  /** structuredContent / outputSchema, titles, resource links, elicitation, MCP-Protocol-Version. */
  public boolean hasStructuredContent() {
    return atLeast(V2025_06_18);
  }

  public boolean hasTitles() {
    return atLeast(V2025_06_18);
  }

  public boolean hasResourceLinks() {
    return atLeast(V2025_06_18);
  }

  public boolean hasElicitation() {
    return atLeast(V2025_06_18);
  }

  public boolean requiresProtocolVersionHeader() {
    return atLeast(V2025_06_18);
  }

  /** Completion requests carry {@code context.arguments}. */
  public boolean hasCompletionContext() {
    return atLeast(V2025_06_18);
  }

  /** Icons, URL-mode elicitation, experimental tasks, SSE priming events. */
  public boolean hasIcons() {
    return atLeast(V2025_11_25);
  }

  public boolean hasUrlElicitation() {
    return atLeast(V2025_11_25);
  }

  public boolean hasTasks() {
    return atLeast(V2025_11_25);
  }

  public boolean hasSsePriming() {
    return atLeast(V2025_11_25);
  }

  /**
   * Tool input that fails the tool's inputSchema: 2025-11-25 reports it as a tool execution
   * error ({@code isError: true}) so the model can correct itself; earlier revisions answer
   * JSON-RPC -32602.
   */
  public boolean inputValidationIsToolError() {
    return atLeast(V2025_11_25);
  }
}
