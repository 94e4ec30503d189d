package io.erlmcp.runtime.jsonrpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Property tests with a seeded {@link Random}: whatever the bytes, decode answers with a message, a
 * batch or a spec error (-32700/-32600) and never throws; whatever decodes, encodes to a fixpoint.
 */
class JsonRpcCodecFuzzTest {

  private static final long SEED = 0x6A736F6E72706332L;
  private static final int CASES = 20_000;
  private static final JsonRpcCodec CODEC = new JsonRpcCodec();

  private static final byte[] STRUCTURAL =
      "{}[]\":,\\ \t\n0123456789-+.eEtrufalsn\u00ff".getBytes(StandardCharsets.ISO_8859_1);

  private static final List<byte[]> SEEDS =
      List.of(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-03-26\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\",\"version\":\"1\"}}}",
              "{\"jsonrpc\":\"2.0\",\"id\":\"a-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"x\":[1,2.5,-3e2,true,null,\"\u00e9\\u00e9\\n"
                  + "\"]},\"_meta\":{\"progressToken\":7}}}",
              "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{\"progressToken\":7,\"progress\":0.5}}",
              "{\"jsonrpc\":\"2.0\",\"id\":9223372036854775807,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"\uD83D\uDE00\"}]}}",
              "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse"
                  + " error\",\"data\":{\"at\":1}}}",
              "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},{\"jsonrpc\":\"2.0\",\"method\":\"n\"},{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}]")
          .stream()
          .map(s -> s.getBytes(StandardCharsets.UTF_8))
          .toList();

  @Test
  void randomBytesNeverEscapeDecode() {
    Random random = new Random(SEED);
    for (int i = 0; i < CASES; i++) {
      int length = random.nextInt(64);
      byte[] bytes = new byte[length];
      if (i % 2 == 0) {
        random.nextBytes(bytes);
      } else {
        for (int j = 0; j < length; j++) {
          bytes[j] = STRUCTURAL[random.nextInt(STRUCTURAL.length)];
        }
      }
      check(bytes, i);
    }
  }

  @Test
  void mutatedMessagesNeverEscapeDecode() {
    Random random = new Random(SEED + 1);
    Map<String, Integer> outcomes = new TreeMap<>();
    for (int i = 0; i < CASES; i++) {
      byte[] bytes = SEEDS.get(random.nextInt(SEEDS.size()));
      int mutations = 1 + random.nextInt(4);
      for (int m = 0; m < mutations; m++) {
        bytes = mutate(bytes, random);
      }
      outcomes.merge(outcome(check(bytes, i)), 1, Integer::sum);
    }
    // the mutations must reach every branch, not only the parser's rejections
    for (String kind : List.of("Single", "Batch", "-32700", "-32600")) {
      assertTrue(outcomes.getOrDefault(kind, 0) > 100, () -> kind + " too rare: " + outcomes);
    }
  }

  private static String outcome(Decoded decoded) {
    return decoded instanceof Decoded.Failure f
        ? Integer.toString(f.error().error().code())
        : decoded.getClass().getSimpleName();
  }

  @Test
  void seedsDecodeToMessages() {
    for (byte[] seed : SEEDS) {
      Decoded decoded = CODEC.decode(seed);
      assertTrue(!(decoded instanceof Decoded.Failure), () -> "seed fails: " + decoded);
    }
  }

  private static byte[] mutate(byte[] in, Random random) {
    if (in.length == 0) {
      return new byte[] {STRUCTURAL[random.nextInt(STRUCTURAL.length)]};
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(7)) {
      case 0: // bit flip
        {
          byte[] out = in.clone();
          out[at] ^= (byte) (1 << random.nextInt(8));
          return out;
        }
      case 1: // truncation
        return Arrays.copyOf(in, at);
      case 2: // insert a random byte
        return insert(in, at, new byte[] {(byte) random.nextInt(256)});
      case 3: // insert a structural char
        return insert(in, at, new byte[] {STRUCTURAL[random.nextInt(STRUCTURAL.length)]});
      case 4: // duplicate a slice
        {
          int length = 1 + random.nextInt(Math.min(32, in.length - at));
          return insert(in, at, Arrays.copyOfRange(in, at, at + length));
        }
      case 5: // delete a slice
        {
          int length = 1 + random.nextInt(Math.min(16, in.length - at));
          byte[] out = new byte[in.length - length];
          System.arraycopy(in, 0, out, 0, at);
          System.arraycopy(in, at + length, out, at, in.length - at - length);
          return out;
        }
      default: // overwrite a byte
        {
          byte[] out = in.clone();
          out[at] = STRUCTURAL[random.nextInt(STRUCTURAL.length)];
          return out;
        }
    }
  }

  private static byte[] insert(byte[] in, int at, byte[] extra) {
    byte[] out = new byte[in.length + extra.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(extra, 0, out, at, extra.length);
    System.arraycopy(in, at, out, at + extra.length, in.length - at);
    return out;
  }

  private static Decoded check(byte[] bytes, int caseNumber) {
    Decoded decoded;
    try {
      decoded = CODEC.decode(bytes);
    } catch (RuntimeException | StackOverflowError e) {
      throw new AssertionError("case " + caseNumber + " threw on " + Arrays.toString(bytes), e);
    }
    assertNotNull(decoded);
    if (decoded instanceof Decoded.Batch batch) {
      batch.items().forEach(item -> checkItem(item, bytes));
    } else {
      checkItem((Decoded.Item) decoded, bytes);
    }
    return decoded;
  }

  private static void checkItem(Decoded.Item item, byte[] input) {
    if (item instanceof Decoded.Failure failure) {
      int code = failure.error().error().code();
      if (code != JsonRpcError.PARSE_ERROR && code != JsonRpcError.INVALID_REQUEST) {
        fail("unexpected code " + code + " for " + new String(input, StandardCharsets.UTF_8));
      }
    } else if (item instanceof Decoded.Single single) {
      // whatever decodes encodes, and encoding is a fixpoint after one round
      byte[] once = CODEC.encode(single.message());
      Decoded again = CODEC.decode(once);
      if (!(again instanceof Decoded.Single next)) {
        throw new AssertionError(
            "re-decoding failed: " + again + " for " + new String(once, StandardCharsets.UTF_8));
      }
      assertArrayEquals(once, CODEC.encode(next.message()));
    }
  }
}
