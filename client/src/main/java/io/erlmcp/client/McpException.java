package io.erlmcp.client;

/**
 * Base of every failure the client reports through a {@link java.util.concurrent.CompletionStage}.
 * Three kinds: {@link McpTransportException} (the connection is gone or refused the message),
 * {@link McpErrorException} (the server answered with a JSON-RPC error), and {@link
 * McpTimeoutException} (no answer within the request's timeout).
 */
public class McpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public McpException(String message) {
    super(message);
  }

  public McpException(String message, Throwable cause) {
    super(message, cause);
  }
}
