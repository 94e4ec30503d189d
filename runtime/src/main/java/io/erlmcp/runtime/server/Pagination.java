package io.erlmcp.runtime.server;

import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Opaque-cursor pagination of list results. A cursor encodes the offset of the next page; it is
 * opaque to clients (base64url) and checked on the way back in: a cursor we did not issue is
 * answered -32602.
 */
public final class Pagination {
  private static final String PREFIX = "erlmcp:o:";

  private Pagination() {}

  /** One page of a list and the cursor of the next one (null at the end). */
  public record Page<T>(List<T> items, String nextCursor) {}

  public static <T> Page<T> page(List<T> all, String cursor, int pageSize) {
    int offset = cursor == null ? 0 : decode(cursor);
    if (offset > all.size()) {
      throw new JsonRpcException(JsonRpcError.invalidParams("Invalid cursor"));
    }
    int end = Math.min(all.size(), offset + pageSize);
    String next = end < all.size() ? encode(end) : null;
    return new Page<>(all.subList(offset, end), next);
  }

  static String encode(int offset) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((PREFIX + offset).getBytes(StandardCharsets.UTF_8));
  }

  static int decode(String cursor) {
    try {
      String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (!s.startsWith(PREFIX)) {
        throw new IllegalArgumentException();
      }
      int offset = Integer.parseInt(s.substring(PREFIX.length()));
      if (offset < 0) {
        throw new IllegalArgumentException();
      }
      return offset;
    } catch (IllegalArgumentException e) {
      throw new JsonRpcException(JsonRpcError.invalidParams("Invalid cursor"));
    }
  }
}
