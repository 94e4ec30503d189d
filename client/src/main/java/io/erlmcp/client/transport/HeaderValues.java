package io.erlmcp.client.transport;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Header values of the 2026-07-28 HTTP transport (SEP-2243): a value that is printable ASCII with
 * no leading or trailing whitespace is sent as is; any other (non-ASCII, control characters,
 * surrounding spaces) as {@code =?base64?<UTF-8 bytes in base64>?=}.
 */
public final class HeaderValues {
  private HeaderValues() {}

  public static String encode(String value) {
    return needsBase64(value)
        ? "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?="
        : value;
  }

  static boolean needsBase64(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return true;
      }
    }
    return !value.equals(value.strip());
  }
}
