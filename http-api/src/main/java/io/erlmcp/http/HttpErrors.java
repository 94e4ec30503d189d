package io.erlmcp.http;

import io.erlmcp.runtime.jsonrpc.JsonRpcCodec;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** The HTTP answers the WebSocket and legacy SSE endpoints share: a JSON-RPC error body. */
final class HttpErrors {
  private static final JsonRpcCodec CODEC = new JsonRpcCodec();

  private HttpErrors() {}

  static HttpResponse error(StatusCode status, JsonRpcError err) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(
            ContentTypes.APPLICATION_JSON, CODEC.encode(new JsonRpcMessage.ErrorResponse(null, err)));
  }

  /** 503 with Retry-After: a bound on open connections of {@code what} is reached. */
  static HttpResponse tooMany(String what, int max) {
    return error(
            StatusCodes.SERVICE_UNAVAILABLE,
            JsonRpcError.internalError("Too many " + what + " (" + max + ")"))
        .addHeader(RawHeader.create("Retry-After", "1"));
  }

  /** 403 for a browser Origin outside the allow list (DNS-rebinding protection), else empty. */
  static Optional<HttpResponse> originRefused(HttpRequest req, HttpSettings settings) {
    Optional<String> origin = RequestHeaders.value(req, "Origin");
    if (origin.isPresent() && !settings.originAllowed(origin.get())) {
      return Optional.of(
          error(
              StatusCodes.FORBIDDEN,
              JsonRpcError.invalidRequest("Origin " + origin.get() + " is not allowed")));
    }
    return Optional.empty();
  }
}
