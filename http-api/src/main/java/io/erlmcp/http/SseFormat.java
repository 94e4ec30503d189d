package io.erlmcp.http;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.util.ByteString;

/** Server-Sent Events framing. JSON payloads are compact (one line), so one data line each. */
final class SseFormat {
  private SseFormat() {}

  static final ByteString KEEPALIVE = ByteString.fromString(": keepalive\n\n");

  static ByteString event(String id, String data) {
    StringBuilder sb = new StringBuilder(data.length() + 48);
    if (id != null) {
      sb.append("id: ").append(id).append('\n');
    }
    sb.append("event: message\n");
    sb.append("data: ").append(data).append("\n\n");
    return ByteString.fromString(sb.toString(), StandardCharsets.UTF_8);
  }

  /** The priming event of 2025-11-25: an id to resume from, the retry delay, empty data. */
  static ByteString priming(String id, long retryMillis) {
    return ByteString.fromString("id: " + id + "\nretry: " + retryMillis + "\ndata: \n\n");
  }
}
