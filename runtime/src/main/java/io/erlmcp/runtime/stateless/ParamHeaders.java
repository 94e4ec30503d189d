package io.erlmcp.runtime.stateless;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Custom {@code Mcp-Param-*} request headers of 2026-07-28 (SEP-2243): a tool argument whose
 * schema property carries {@code "x-mcp-header": "Name"} is mirrored by the client into the
 * header {@code Mcp-Param-Name}, so that intermediaries can route on it. The server checks the
 * header against the body: a value in the body with no header, a header with no value in the
 * body, an undecodable header, or one that says something else is -32020 (HeaderMismatch).
 *
 * <p>A header value of the form {@code =?base64?...?=} is Base64 (standard alphabet, padded) of
 * the UTF-8 value; anything else is the value itself. Strings compare as they are; numbers and
 * booleans by their JSON text.
 */
public final class ParamHeaders {
  private ParamHeaders() {}

  /** The schema keyword that names a property's header. */
  public static final String KEYWORD = "x-mcp-header";

  public static final String PREFIX = "Mcp-Param-";

  private static final Pattern WRAPPED = Pattern.compile("^=\\?base64\\?(.*)\\?=$");
  private static final Pattern BASE64 =
      Pattern.compile("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$");

  /**
   * Checks every {@code x-mcp-header} property of {@code inputSchema} against {@code arguments}
   * and the request's headers ({@code header} looks a header up by name, case-insensitively, as
   * HTTP does). Throws -32020 on the first disagreement.
   */
  public static void check(
      JsonNode inputSchema, JsonNode arguments, Function<String, Optional<String>> header) {
    JsonNode props = inputSchema == null ? null : inputSchema.get("properties");
    if (props == null || !props.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> p : props.properties()) {
      JsonNode name = p.getValue().get(KEYWORD);
      if (name == null || !name.isTextual() || name.asText().isEmpty()) {
        continue;
      }
      String headerName = PREFIX + name.asText();
      JsonNode value = arguments == null ? null : arguments.get(p.getKey());
      boolean inBody = value != null && !value.isNull();
      Optional<String> h = header.apply(headerName);
      if (h.isEmpty()) {
        if (inBody) {
          throw StatelessMeta.headerMismatch(
              headerName + " header is missing but arguments." + p.getKey() + " is set");
        }
        continue;
      }
      if (!inBody) {
        throw StatelessMeta.headerMismatch(
            headerName + " header is set but arguments." + p.getKey() + " is not");
      }
      String decoded = decode(headerName, h.get().trim());
      String expected = value.isTextual() ? value.asText() : value.toString();
      if (!decoded.equals(expected)) {
        throw StatelessMeta.headerMismatch(
            headerName + " header does not match arguments." + p.getKey());
      }
    }
  }

  /** The value a header carries: Base64-decoded when wrapped, else as it is. */
  static String decode(String headerName, String raw) {
    java.util.regex.Matcher m = WRAPPED.matcher(raw);
    if (!m.matches()) {
      return raw;
    }
    String b64 = m.group(1);
    if (!BASE64.matcher(b64).matches()) {
      throw StatelessMeta.headerMismatch(headerName + " header is not valid padded Base64");
    }
    byte[] bytes = Base64.getDecoder().decode(b64);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw StatelessMeta.headerMismatch(headerName + " header is not Base64 of UTF-8 text");
    }
  }
}
