package io.erlmcp.client.transport;

import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A connection to one MCP server that moves JSON-RPC messages both ways. The client owns it: it
 * calls {@link #start}, then {@link #send} from any thread, and finally {@link #close}.
 *
 * <p>Implementations deliver every message the server sends to the {@link Listener}, on threads of
 * their own (never the caller's), in the order of each underlying stream.
 */
public interface McpTransport extends AutoCloseable {

  /** Where a transport delivers what it receives. */
  interface Listener {
    /** A message from the server. */
    void onMessage(JsonRpcMessage message);

    /**
     * The transport is gone for good (process exited, socket closed, session ended); {@code cause}
     * says why. Called at most once, never after {@link #close()} returned.
     */
    void onClosed(Throwable cause);

    /**
     * One request can no longer be answered although the transport lives on (HTTP: its SSE stream
     * dropped and could not be resumed).
     */
    void onRequestFailed(io.erlmcp.runtime.jsonrpc.RequestId id, Throwable cause);
  }

  /** Opens the connection (spawns the process, connects the socket). */
  CompletionStage<Void> start(Listener listener);

  /**
   * Sends one message. The stage completes when the transport has handed it over (for HTTP: when
   * the POST was answered); it fails with {@link io.erlmcp.client.McpTransportException} when the
   * message could not be delivered. {@code headers} are extra per-message HTTP headers (the
   * 2026-07-28 {@code Mcp-Name}/{@code Mcp-Param-*}); other transports ignore them.
   */
  CompletionStage<Void> send(JsonRpcMessage message, Map<String, String> headers);

  /**
   * The revision the client negotiated (or chose, for 2026-07-28). HTTP sends it as the {@code
   * MCP-Protocol-Version} header; after an {@code initialize} answer the transport may open its
   * server-to-client stream.
   */
  default void protocolVersionNegotiated(ProtocolVersion version) {}

  /** The session id the server assigned, when the transport has sessions (HTTP); else null. */
  default String sessionId() {
    return null;
  }

  /** Closes the connection (HTTP: DELETE of the session); idempotent. */
  @Override
  void close();
}
