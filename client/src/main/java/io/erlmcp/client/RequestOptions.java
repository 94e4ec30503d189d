package io.erlmcp.client;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Per-request settings: a timeout (instead of the client's default), a progress listener (the
 * client then adds a {@code progressToken} to the request's {@code _meta}), and extra {@code _meta}
 * members.
 */
public record RequestOptions(Duration timeout, Consumer<Progress> onProgress, ObjectNode meta) {

  public static final RequestOptions DEFAULT = new RequestOptions(null, null, null);

  public static RequestOptions timeout(Duration timeout) {
    return new RequestOptions(timeout, null, null);
  }

  public static RequestOptions progress(Consumer<Progress> onProgress) {
    return new RequestOptions(null, onProgress, null);
  }

  public RequestOptions withTimeout(Duration t) {
    return new RequestOptions(t, onProgress, meta);
  }

  public RequestOptions withProgress(Consumer<Progress> p) {
    return new RequestOptions(timeout, p, meta);
  }

  public RequestOptions withMeta(ObjectNode m) {
    return new RequestOptions(timeout, onProgress, m);
  }

  /**
   * One {@code notifications/progress} for a request.
   *
   * @param total {@code NaN} when the server gave none
   * @param message null when the server gave none
   */
  public record Progress(double progress, double total, String message) {}
}
