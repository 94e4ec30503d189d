package io.erlmcp.runtime.stateless;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class RequestStateSealerTest {
  private static final byte[] KEY = new byte[32];
  private static final Duration TTL = Duration.ofMinutes(5);

  static {
    for (int i = 0; i < KEY.length; i++) {
      KEY[i] = (byte) i;
    }
  }

  private static final class MovableClock extends Clock {
    long millis = 1_000_000;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  private static ObjectNode answers() {
    ObjectNode r = Json.object();
    r.putObject("user_name").put("action", "accept").putObject("content").put("name", "Alice");
    return r;
  }

  private static void assertRefused(Runnable r) {
    JsonRpcException e = assertThrows(JsonRpcException.class, r::run);
    assertEquals(JsonRpcError.INVALID_PARAMS, e.error().code());
  }

  @Test
  void sealedStateOpensToTheSameAnswersForTheSameRequest() {
    RequestStateSealer s = new RequestStateSealer(KEY, TTL, Clock.systemUTC());
    String state = s.seal("tools/call", "greet", answers());
    assertEquals(answers(), s.open(state, "tools/call", "greet").responses());
  }

  @Test
  void stateIsOpaqueAndFreshEachTime() {
    RequestStateSealer s = new RequestStateSealer(KEY, TTL, Clock.systemUTC());
    String a = s.seal("tools/call", "greet", answers());
    String b = s.seal("tools/call", "greet", answers());
    assertNotEquals(a, b);
    String decoded = new String(Base64.getUrlDecoder().decode(a), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(!decoded.contains("Alice"), "the answers must not be readable in the state");
  }

  @Test
  void tamperedStateIsRefused() {
    RequestStateSealer s = new RequestStateSealer(KEY, TTL, Clock.systemUTC());
    String state = s.seal("tools/call", "greet", answers());
    byte[] raw = Base64.getUrlDecoder().decode(state);
    raw[raw.length / 2] ^= 1;
    String flipped = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertRefused(() -> s.open(flipped, "tools/call", "greet"));
    assertRefused(() -> s.open(state + "-TAMPERED", "tools/call", "greet"));
    assertRefused(() -> s.open("", "tools/call", "greet"));
  }

  @Test
  void stateSealedWithAnotherKeyIsRefused() {
    RequestStateSealer ours = new RequestStateSealer(KEY, TTL, Clock.systemUTC());
    RequestStateSealer foreign = RequestStateSealer.random(TTL);
    String state = foreign.seal("tools/call", "greet", answers());
    assertRefused(() -> ours.open(state, "tools/call", "greet"));
  }

  @Test
  void stateOfAnotherRequestIsRefused() {
    RequestStateSealer s = new RequestStateSealer(KEY, TTL, Clock.systemUTC());
    String state = s.seal("tools/call", "greet", answers());
    assertRefused(() -> s.open(state, "tools/call", "delete_everything"));
    assertRefused(() -> s.open(state, "prompts/get", "greet"));
  }

  @Test
  void expiredStateIsRefusedSoItCannotBeReplayedLater() {
    MovableClock clock = new MovableClock();
    RequestStateSealer s = new RequestStateSealer(KEY, TTL, clock);
    String state = s.seal("tools/call", "greet", answers());
    clock.millis += TTL.toMillis();
    assertEquals(answers(), s.open(state, "tools/call", "greet").responses());
    clock.millis += 1;
    assertRefused(() -> s.open(state, "tools/call", "greet"));
  }

  @Test
  void keysOfTheWrongLengthAreRejectedAtStart() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new RequestStateSealer(new byte[7], TTL, Clock.systemUTC()));
  }
}
