package io.erlmcp.http;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.scaladsl.model.HttpHeader;
import scala.collection.Iterator;

/**
 * Header lookup for the hot path. {@code HttpRequest.getHeader(String)} lower-cases the name on
 * every call; here each name is lower-cased once and compared with the header's precomputed
 * lower-case name.
 */
final class RequestHeaders {
  private static final ConcurrentHashMap<String, String> LOWER = new ConcurrentHashMap<>();

  private RequestHeaders() {}

  /** The value of the first header named {@code name} (any case). */
  static Optional<String> value(HttpRequest req, String name) {
    String lc = LOWER.computeIfAbsent(name, n -> n.toLowerCase(Locale.ROOT));
    Iterator<HttpHeader> it = ((org.apache.pekko.http.scaladsl.model.HttpRequest) req).headers().iterator();
    while (it.hasNext()) {
      HttpHeader h = it.next();
      if (h.lowercaseName().equals(lc)) {
        return Optional.of(h.value());
      }
    }
    return Optional.empty();
  }

  static boolean present(HttpRequest req, String name) {
    return value(req, name).isPresent();
  }
}
