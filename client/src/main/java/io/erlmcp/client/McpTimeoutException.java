package io.erlmcp.client;

import java.time.Duration;

/**
 * A request got no answer within its timeout. The client has already sent {@code
 * notifications/cancelled} for it, so the server may stop working on it.
 */
public class McpTimeoutException extends McpException {
  private static final long serialVersionUID = 1L;

  public McpTimeoutException(String method, Duration timeout) {
    super(method + " got no answer within " + timeout.toMillis() + " ms");
  }
}
