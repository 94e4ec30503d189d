package io.erlmcp.client;

/**
 * The transport failed: the server process exited, the connection dropped and could not be
 * resumed, the HTTP session ended (404), or the server answered with an HTTP status that carries no
 * JSON-RPC error. Every request still pending on a lost connection fails with this exception.
 */
public class McpTransportException extends McpException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;

  public McpTransportException(String message) {
    this(message, -1, null);
  }

  public McpTransportException(String message, Throwable cause) {
    this(message, -1, cause);
  }

  public McpTransportException(String message, int httpStatus, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
  }

  /** The HTTP status that caused this failure, or -1 when it was not an HTTP answer. */
  public int httpStatus() {
    return httpStatus;
  }
}
