package io.erlmcp.runtime.jsonrpc;

import static io.erlmcp.runtime.jsonrpc.JsonRpcError.INVALID_REQUEST;
import static io.erlmcp.runtime.jsonrpc.JsonRpcError.PARSE_ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every decoding rule, both sides of each boundary, through both decode overloads. */
class JsonRpcCodecDecodeTest {

  private static final JsonRpcCodec CODEC = new JsonRpcCodec();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Decodes through the byte and the string entry points and checks they agree. */
  private static Decoded decode(String text) {
    Decoded fromBytes = CODEC.decode(text.getBytes(StandardCharsets.UTF_8));
    assertEquals(fromBytes, CODEC.decode(text), "byte and string decoding differ");
    return fromBytes;
  }

  private static JsonNode json(String text) {
    try {
      return CODEC.mapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final RequestId ONE = RequestId.of(1);
  private static final RequestId ABC = RequestId.of("abc");

  static Stream<Arguments> validMessages() {
    return Stream.of(
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"c\"}}",
            new Request(ONE, "tools/list", json("{\"cursor\":\"c\"}"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"ping\"}",
            new Request(ABC, "ping", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":\"\",\"method\":\"\"}",
            new Request(RequestId.of(""), "", null)),
        Arguments.of(
            "{\"method\":\"m\",\"params\":[1,2],\"id\":-3,\"jsonrpc\":\"2.0\"}",
            new Request(RequestId.of(-3), "m", json("[1,2]"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"method\":\"m\"}",
            new Request(RequestId.of(Long.MAX_VALUE), "m", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"method\":\"m\"}",
            new Request(RequestId.of(Long.MIN_VALUE), "m", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":{\"_meta\":{\"progressToken\":5}}}",
            new Request(ONE, "m", json("{\"_meta\":{\"progressToken\":5}}"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"extra\":true}",
            new Request(ONE, "m", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
            new Notification("notifications/initialized", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":{}}",
            new Notification("n", NODES.objectNode())),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", new Response(ONE, NODES.objectNode())),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"result\":null}",
            new Response(ABC, NullNode.getInstance())),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"text\"}",
            new Response(ONE, NODES.textNode("text"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"nope\"}}",
            new ErrorResponse(ONE, JsonRpcError.of(-32601, "nope"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"p\"}}",
            new ErrorResponse(null, JsonRpcError.parseError("p"))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":2147483647,\"message\":\"m\",\"data\":[1]}}",
            new ErrorResponse(ONE, JsonRpcError.of(Integer.MAX_VALUE, "m").withData(json("[1]")))),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-2147483648,\"message\":\"m\",\"data\":null}}",
            new ErrorResponse(
                ONE, JsonRpcError.of(Integer.MIN_VALUE, "m").withData(NullNode.getInstance()))),
        Arguments.of(
            " \r\n\t{\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n ", new Notification("n", null)),
        Arguments.of("\uFEFF{\"jsonrpc\":\"2.0\",\"method\":\"n\"}", new Notification("n", null)),
        Arguments.of(
            "{\"jsonrpc\":\"2.0\",\"method\":\"\u00e9\\u00e9\uD83D\uDE00\"}",
            new Notification("\u00e9\u00e9\uD83D\uDE00", null)));
  }

  @ParameterizedTest
  @MethodSource("validMessages")
  void decodesValidMessages(String text, JsonRpcMessage expected) {
    assertEquals(expected, Expect.single(decode(text)));
  }

  static Stream<Arguments> invalidRequests() {
    String v = "\"jsonrpc\":\"2.0\",";
    return Stream.of(
        // the version member
        Arguments.of("{\"id\":1,\"method\":\"m\"}", ONE),
        Arguments.of("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"m\"}", ONE),
        Arguments.of("{\"jsonrpc\":\"2.0 \",\"id\":1,\"method\":\"m\"}", ONE),
        Arguments.of("{\"jsonrpc\":2.0,\"id\":\"abc\",\"method\":\"m\"}", ABC),
        Arguments.of("{\"jsonrpc\":null,\"id\":1,\"method\":\"m\"}", ONE),
        Arguments.of("{\"jsonrpc\":\"2.0\"}", null),
        Arguments.of("{}", null),
        // request ids: MCP allows strings and integers only
        Arguments.of("{" + v + "\"id\":null,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":true,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":1.5,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":1.0,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":1e2,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":{},\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":[1],\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":9223372036854775808,\"method\":\"m\"}", null),
        Arguments.of("{" + v + "\"id\":-9223372036854775809,\"method\":\"m\"}", null),
        // method and params
        Arguments.of("{" + v + "\"id\":1,\"method\":7}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"method\":null}", ONE),
        Arguments.of("{" + v + "\"method\":[\"m\"]}", null),
        Arguments.of("{" + v + "\"id\":1,\"method\":\"m\",\"params\":\"x\"}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"method\":\"m\",\"params\":3}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"method\":\"m\",\"params\":null}", ONE),
        Arguments.of("{" + v + "\"method\":\"m\",\"params\":true}", null),
        Arguments.of("{" + v + "\"id\":1,\"method\":\"m\",\"result\":{}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"method\":\"m\",\"error\":{}}", ONE),
        // responses
        Arguments.of(
            "{" + v + "\"id\":1,\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1}", ONE),
        Arguments.of("{" + v + "\"result\":{}}", null),
        Arguments.of("{" + v + "\"error\":{\"code\":1,\"message\":\"m\"}}", null),
        Arguments.of("{" + v + "\"id\":null,\"result\":{}}", null),
        Arguments.of("{" + v + "\"id\":1.5,\"result\":{}}", null),
        Arguments.of("{" + v + "\"id\":false,\"error\":{\"code\":1,\"message\":\"m\"}}", null),
        Arguments.of("{" + v + "\"id\":[],\"error\":{\"code\":1,\"message\":\"m\"}}", null),
        // the error object
        Arguments.of("{" + v + "\"id\":1,\"error\":null}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":\"boom\"}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":1}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":1.0,\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":\"1\",\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":2147483648,\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":-2147483649,\"message\":\"m\"}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":1,\"message\":null}}", ONE),
        Arguments.of("{" + v + "\"id\":1,\"error\":{\"code\":1,\"message\":5}}", ONE),
        // top level
        Arguments.of("[]", null),
        Arguments.of(" [ ] ", null),
        Arguments.of("1", null),
        Arguments.of("\"{}\"", null),
        Arguments.of("null", null),
        Arguments.of("true", null));
  }

  @ParameterizedTest
  @MethodSource("invalidRequests")
  void rejectsInvalidRequestsWithTheirIdWhenReadable(String text, RequestId id) {
    ErrorResponse error = Expect.failure(decode(text), INVALID_REQUEST, id);
    assertNull(error.error().data());
  }

  static Stream<String> unparsable() {
    return Stream.of(
        "",
        "   ",
        "\uFEFF",
        "{",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"} {}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}x",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"},",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}]",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",}",
        "[{\"jsonrpc\":\"2.0\",\"method\":\"m\"},]",
        "{\"jsonrpc\":\"2.0\",/*c*/\"method\":\"m\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}//c",
        "#c\n{\"jsonrpc\":\"2.0\",\"method\":\"m\"}",
        "{'jsonrpc':'2.0','method':'m'}",
        "{jsonrpc:\"2.0\",method:\"m\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":NaN}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":01}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":.5}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":+1}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"method\":\"n\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"m\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"a\":1,\"a\":1}}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"a\u0000\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"a\nb\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"\\x41\"}",
        "\u0000{\"jsonrpc\":\"2.0\",\"method\":\"m\"}",
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}\u0000");
  }

  @ParameterizedTest
  @MethodSource("unparsable")
  void rejectsWhatIsNotStrictJson(String text) {
    Expect.failure(decode(text), PARSE_ERROR, null);
  }

  static Stream<byte[]> notUtf8() {
    byte[] message = "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        quoted(0xC0, 0xAF), // overlong '/'
        quoted(0xE0, 0x80, 0xAF), // overlong '/', three bytes
        quoted(0xED, 0xA0, 0x80), // UTF-16 surrogate encoded as UTF-8
        quoted(0xF4, 0x90, 0x80, 0x80), // beyond U+10FFFF
        quoted(0xC3), // truncated sequence
        quoted(0x80), // lone continuation byte
        quoted(0xFF),
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}".getBytes(StandardCharsets.UTF_16BE),
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}".getBytes(StandardCharsets.UTF_16),
        "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}".getBytes(StandardCharsets.UTF_16LE),
        java.util.Arrays.copyOf(message, message.length - 1),
        new byte[0],
        new byte[] {0},
        new byte[] {0, 0, 0, '{'});
  }

  private static byte[] quoted(int... middle) {
    byte[] prefix = "{\"jsonrpc\":\"2.0\",\"method\":\"".getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[prefix.length + middle.length + 2];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    for (int i = 0; i < middle.length; i++) {
      out[prefix.length + i] = (byte) middle[i];
    }
    out[out.length - 2] = '"';
    out[out.length - 1] = '}';
    return out;
  }

  @ParameterizedTest
  @MethodSource("notUtf8")
  void rejectsBytesThatAreNotUtf8Json(byte[] bytes) {
    Expect.failure(CODEC.decode(bytes), PARSE_ERROR, null);
  }

  @Test
  void nullInputIsAParseError() {
    Expect.failure(CODEC.decode((byte[]) null), PARSE_ERROR, null);
    Expect.failure(CODEC.decode((String) null), PARSE_ERROR, null);
  }

  @Test
  void batchKeepsOrderAndAnswersEachBadElement() {
    Decoded decoded =
        decode(
            "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"},"
                + "1,"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"n\"},"
                + "{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":5},"
                + "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},"
                + "[],"
                + "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"a\"}]");
    List<Decoded.Item> items = assertInstanceOf(Decoded.Batch.class, decoded).items();
    assertEquals(7, items.size());
    assertEquals(new Request(ONE, "a", null), Expect.single(items.get(0)));
    Expect.failure(items.get(1), INVALID_REQUEST, null);
    assertEquals(new Notification("n", null), Expect.single(items.get(2)));
    Expect.failure(items.get(3), INVALID_REQUEST, ABC);
    assertEquals(new Response(ONE, NODES.objectNode()), Expect.single(items.get(4)));
    Expect.failure(items.get(5), INVALID_REQUEST, null);
    Expect.failure(items.get(6), INVALID_REQUEST, null);
  }

  @Test
  void batchOfOneIsStillABatch() {
    Decoded decoded = decode("[{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]");
    assertEquals(
        List.of(new Decoded.Single(new Notification("n", null))),
        assertInstanceOf(Decoded.Batch.class, decoded).items());
  }

  @Test
  void batchOfGarbageIsOneFailurePerElement() {
    Decoded decoded = decode("[1,2,3]");
    List<Decoded.Item> items = assertInstanceOf(Decoded.Batch.class, decoded).items();
    assertEquals(3, items.size());
    items.forEach(item -> Expect.failure(item, INVALID_REQUEST, null));
  }

  @Test
  void batchWithASyntaxErrorIsOneParseError() {
    Expect.failure(
        decode("[{\"jsonrpc\":\"2.0\",\"method\":\"n\"},{\"jsonrpc\":\"2.0\",\"method\"]"),
        PARSE_ERROR,
        null);
  }
}
