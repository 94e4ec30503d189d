package io.erlmcp.runtime.jsonrpc;

import static io.erlmcp.runtime.jsonrpc.JsonRpcError.PARSE_ERROR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each limit at its value (accepted) and one past it (a parse error, never a crash). */
class JsonRpcCodecLimitsTest {

  private static final JsonRpcLimits SMALL = new JsonRpcLimits(8, 10, 10, 5, 200, 40);
  private static final JsonRpcCodec SMALL_CODEC = new JsonRpcCodec(SMALL);
  private static final JsonRpcCodec DEFAULT_CODEC = new JsonRpcCodec();

  private static Decoded decode(JsonRpcCodec codec, String text) {
    Decoded fromBytes = codec.decode(text.getBytes(StandardCharsets.UTF_8));
    assertEquals(fromBytes, codec.decode(text), "byte and string decoding differ");
    return fromBytes;
  }

  private static void accepted(JsonRpcCodec codec, String text) {
    Expect.single(decode(codec, text));
  }

  private static void rejected(JsonRpcCodec codec, String text) {
    Expect.failure(decode(codec, text), PARSE_ERROR, null);
  }

  /** A notification whose params nest arrays so the whole document has {@code depth} levels. */
  private static String nestedTo(int depth) {
    int arrays = depth - 1; // the message object is level 1
    return "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":"
        + "[".repeat(arrays)
        + "]".repeat(arrays)
        + "}";
  }

  private static String withParam(String name, String value) {
    return "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":{\"" + name + "\":" + value + "}}";
  }

  @Test
  void defaultNestingDepthIs64() {
    assertEquals(64, JsonRpcLimits.DEFAULT.maxNestingDepth());
    accepted(DEFAULT_CODEC, nestedTo(64));
    rejected(DEFAULT_CODEC, nestedTo(65));
  }

  @Test
  void nestingDepthAtLimitAndPast() {
    accepted(SMALL_CODEC, nestedTo(8));
    rejected(SMALL_CODEC, nestedTo(9));
  }

  @Test
  void deepNestingAttackIsAParseErrorNotAStackOverflow() {
    rejected(DEFAULT_CODEC, "[".repeat(1_000_000));
    rejected(DEFAULT_CODEC, "{\"a\":".repeat(200_000));
    rejected(DEFAULT_CODEC, nestedTo(100_000));
  }

  @Test
  void stringLengthAtLimitAndPast() {
    accepted(SMALL_CODEC, withParam("s", "\"" + "x".repeat(10) + "\""));
    rejected(SMALL_CODEC, withParam("s", "\"" + "x".repeat(11) + "\""));
  }

  @Test
  void defaultStringLengthIs16Mi() {
    int limit = 16 * 1024 * 1024;
    assertEquals(limit, JsonRpcLimits.DEFAULT.maxStringLength());
    // bytes only: the string entry point shares the parser, and 16 MiB twice costs seconds
    byte[] bytes =
        withParam("s", "\"" + "x".repeat(limit + 1) + "\"").getBytes(StandardCharsets.UTF_8);
    Expect.failure(DEFAULT_CODEC.decode(bytes), PARSE_ERROR, null);
    // shorten the string by one in place: x" }} becomes "}} plus a trailing space
    int end = bytes.length - 4;
    byte[] tail = {'"', '}', '}', ' '};
    System.arraycopy(tail, 0, bytes, end, tail.length);
    Expect.single(DEFAULT_CODEC.decode(bytes));
  }

  @Test
  void nameLengthAtLimitAndPast() {
    accepted(SMALL_CODEC, withParam("n".repeat(10), "1"));
    rejected(SMALL_CODEC, withParam("n".repeat(11), "1"));
  }

  @Test
  void numberLengthAtLimitAndPast() {
    accepted(SMALL_CODEC, withParam("n", "12345"));
    rejected(SMALL_CODEC, withParam("n", "123456"));
    accepted(SMALL_CODEC, withParam("n", "-12345"));
    rejected(SMALL_CODEC, withParam("n", "-123456"));
    // digits are counted; sign, point and exponent marker are not
    accepted(SMALL_CODEC, withParam("n", "-1.2345"));
    rejected(SMALL_CODEC, withParam("n", "1.00000"));
    accepted(SMALL_CODEC, withParam("n", "1.2e-345"));
    rejected(SMALL_CODEC, withParam("n", "1.2e3456"));
    rejected(DEFAULT_CODEC, withParam("n", "9".repeat(100_000)));
  }

  @Test
  void documentLengthAtLimitAndPast() {
    String message = "{\"jsonrpc\":\"2.0\",\"method\":\"m\"}";
    String atLimit = message + " ".repeat(200 - message.length());
    accepted(SMALL_CODEC, atLimit);
    rejected(SMALL_CODEC, atLimit + " ");
  }

  @Test
  void documentLimitCountsBytesForByteInput() {
    String message = "{\"jsonrpc\":\"2.0\",\"method\":\"\u00e9\"}"; // é is two bytes
    int bytes = message.getBytes(StandardCharsets.UTF_8).length;
    JsonRpcCodec exact = new JsonRpcCodec(new JsonRpcLimits(8, 10, 10, 5, bytes, 40));
    Expect.single(exact.decode(message.getBytes(StandardCharsets.UTF_8)));
    JsonRpcCodec tight = new JsonRpcCodec(new JsonRpcLimits(8, 10, 10, 5, bytes - 1, 40));
    Expect.failure(tight.decode(message.getBytes(StandardCharsets.UTF_8)), PARSE_ERROR, null);
  }

  @Test
  void tokenCountAtLimitAndPast() {
    // {"jsonrpc":"2.0","method":"m","params":[...]}: 9 tokens around the array's elements
    String base = "{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[";
    accepted(SMALL_CODEC, base + "1,".repeat(30) + "1]}"); // 40 tokens
    rejected(SMALL_CODEC, base + "1,".repeat(31) + "1]}"); // 41 tokens
  }

  @Test
  void encodingIsBoundedByTheSameDepth() {
    Decoded decoded = decode(SMALL_CODEC, nestedTo(8));
    JsonRpcMessage message = Expect.single(decoded);
    assertEquals(decoded, SMALL_CODEC.decode(SMALL_CODEC.encode(message)));
    Notification tooDeep = (Notification) Expect.single(decode(DEFAULT_CODEC, nestedTo(9)));
    assertThrows(IllegalArgumentException.class, () -> SMALL_CODEC.encode(tooDeep));
  }

  @Test
  void limitsRejectNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new JsonRpcLimits(2, 1, 1, 1, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new JsonRpcLimits(3, 0, 1, 1, 2, 2));
    assertThrows(IllegalArgumentException.class, () -> new JsonRpcLimits(3, 1, 1, 1, 1, 2));
    assertEquals(
        new Request(RequestId.of(1), "m", null),
        Expect.single(
            new JsonRpcCodec(new JsonRpcLimits(3, 3, 7, 1, 100, 100))
                .decode("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\"}")));
  }
}
