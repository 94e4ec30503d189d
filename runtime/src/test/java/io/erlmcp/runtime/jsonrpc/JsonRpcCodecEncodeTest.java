package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.ErrorResponse;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Notification;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Request;
import io.erlmcp.runtime.jsonrpc.JsonRpcMessage.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonRpcCodecEncodeTest {

  private static final JsonRpcCodec CODEC = new JsonRpcCodec();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static JsonNode json(String text) {
    try {
      return CODEC.mapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Stream<Arguments> exactEncodings() {
    RequestId one = RequestId.of(1);
    return Stream.of(
        Arguments.of(
            new Request(
                RequestId.of("a"),
                "tools/call",
                json("{\"name\":\"x\",\"_meta\":{\"progressToken\":\"t\"}}")),
            "{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"x\",\"_meta\":{\"progressToken\":\"t\"}}}"),
        Arguments.of(
            new Request(one, "ping", null), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"),
        Arguments.of(
            new Notification("notifications/initialized", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
        Arguments.of(
            new Notification("n", json("[1]")),
            "{\"jsonrpc\":\"2.0\",\"method\":\"n\",\"params\":[1]}"),
        Arguments.of(
            new Response(RequestId.of(Long.MIN_VALUE), NODES.objectNode()),
            "{\"jsonrpc\":\"2.0\",\"id\":-9223372036854775808,\"result\":{}}"),
        Arguments.of(new Response(one, null), "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}"),
        Arguments.of(
            new ErrorResponse(null, JsonRpcError.parseError("Parse error")),
            "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse"
                + " error\"}}"),
        Arguments.of(
            new ErrorResponse(
                one, JsonRpcError.resourceNotFound("nope").withData(json("{\"uri\":\"u\"}"))),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32002,\"message\":\"nope\",\"data\":{\"uri\":\"u\"}}}"),
        Arguments.of(
            new Notification("\u00e9\"\n\uD83D\uDE00", null),
            "{\"jsonrpc\":\"2.0\",\"method\":\"\u00e9\\\"\\n\uD83D\uDE00\"}"));
  }

  @ParameterizedTest
  @MethodSource("exactEncodings")
  void encodesCompactlyWithVersionAndId(JsonRpcMessage message, String expected) {
    assertEquals(expected, CODEC.encodeToString(message));
    assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), CODEC.encode(message));
  }

  @ParameterizedTest
  @MethodSource("exactEncodings")
  void roundTripsEveryKind(JsonRpcMessage message, String ignored) {
    assertEquals(message, Expect.single(CODEC.decode(CODEC.encode(message))));
    assertEquals(message, Expect.single(CODEC.decode(CODEC.encodeToString(message))));
  }

  @Test
  void roundTripsNullDataAndLoneSurrogates() {
    JsonRpcMessage withNullData =
        new ErrorResponse(
            RequestId.of("x"), JsonRpcError.of(1, "m").withData(NullNode.getInstance()));
    assertEquals(withNullData, Expect.single(CODEC.decode(CODEC.encode(withNullData))));
    // a lone surrogate can arrive escaped; it must go out escaped, not as broken UTF-8
    JsonRpcMessage lone =
        Expect.single(CODEC.decode("{\"jsonrpc\":\"2.0\",\"method\":\"\\ud800\"}"));
    assertEquals(lone, Expect.single(CODEC.decode(CODEC.encode(lone))));
  }

  @Test
  void batchRoundTripsInOrder() {
    List<JsonRpcMessage> messages =
        List.of(
            new Response(RequestId.of(1), NODES.objectNode()),
            new ErrorResponse(RequestId.of("b"), JsonRpcError.methodNotFound("x")),
            new Notification("n", null));
    byte[] bytes = CODEC.encodeBatch(messages);
    assertEquals(
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"error\":{\"code\":-32601,\"message\":\"Method"
            + " not found: x\"}},{\"jsonrpc\":\"2.0\",\"method\":\"n\"}]",
        new String(bytes, StandardCharsets.UTF_8));
    List<Decoded.Item> items = assertInstanceOf(Decoded.Batch.class, CODEC.decode(bytes)).items();
    List<JsonRpcMessage> decoded = new ArrayList<>();
    items.forEach(item -> decoded.add(Expect.single(item)));
    assertEquals(messages, decoded);
  }

  @Test
  void emptyBatchCannotBeEncoded() {
    assertThrows(IllegalArgumentException.class, () -> CODEC.encodeBatch(List.of()));
  }

  @Test
  void decodingIsThreadSafe() throws Exception {
    byte[] bytes =
        CODEC.encode(
            new Request(
                RequestId.of(7),
                "tools/call",
                json("{\"name\":\"t\",\"arguments\":{\"a\":[1,2,3]}}")));
    Decoded expected = CODEC.decode(bytes);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 500; i++) {
                    if (!expected.equals(
                        CODEC.decode(CODEC.encode(Expect.single(CODEC.decode(bytes)))))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> result : results) {
        assertEquals(true, result.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The message writer walks trees itself (no serializer provider per message): on random trees
   * with every node kind it writes exactly the bytes Jackson's own tree serialization writes.
   */
  @Test
  void treesAreWrittenExactlyAsJacksonWritesThem() throws Exception {
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 500; i++) {
      JsonNode tree = randomTree(random, 0);
      byte[] ours = CODEC.encode(new Response(new RequestId.Num(i), tree));
      byte[] jackson =
          CODEC
              .mapper()
              .writeValueAsBytes(
                  NODES.objectNode().put("jsonrpc", "2.0").put("id", i).set("result", tree));
      assertArrayEquals(jackson, ours, tree.toString());
    }
  }

  private static JsonNode randomTree(java.util.Random r, int depth) {
    int kind = depth > 4 ? 2 + r.nextInt(11) : r.nextInt(13);
    return switch (kind) {
      case 0 -> {
        com.fasterxml.jackson.databind.node.ObjectNode o = NODES.objectNode();
        for (int k = r.nextInt(4); k > 0; k--) {
          o.set("k" + r.nextInt(9) + (r.nextBoolean() ? "\u00e9\"\n" : ""), randomTree(r, depth + 1));
        }
        yield o;
      }
      case 1 -> {
        com.fasterxml.jackson.databind.node.ArrayNode a = NODES.arrayNode();
        for (int k = r.nextInt(4); k > 0; k--) {
          a.add(randomTree(r, depth + 1));
        }
        yield a;
      }
      case 2 -> NODES.textNode("t\u0000\u2028\ud83d\ude00\ud800<" + r.nextInt());
      case 3 -> NODES.numberNode(r.nextInt());
      case 4 -> NODES.numberNode(r.nextLong());
      case 5 -> NODES.numberNode(new java.math.BigInteger(90, r));
      case 6 -> NODES.numberNode(r.nextDouble() * 1e300);
      case 7 -> NODES.numberNode(r.nextFloat());
      case 8 -> NODES.numberNode(new java.math.BigDecimal("1.50E+3"));
      case 9 -> NODES.numberNode((short) r.nextInt());
      case 10 -> NODES.booleanNode(r.nextBoolean());
      case 11 -> NODES.nullNode();
      default -> NODES.binaryNode(new byte[] {1, 2, (byte) r.nextInt()});
    };
  }
}
