package io.erlmcp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SessionMachineTest {

  private static final SessionCommand.Initialize INIT =
      new SessionCommand.Initialize(
          "s1", "2025-06-18", Json.parseObject("{\"name\":\"c\"}"), Json.parseObject("{\"roots\":{}}"), 42);

  private final SessionMachine machine = new SessionMachine(new SessionMachine.Limits(2, 10, 2));

  private static SessionState empty() {
    return SessionState.empty(SessionState.DEFAULT_BUFFER_LIMIT);
  }

  /** Runs commands that must all be accepted, returning the folded state. */
  private SessionState run(SessionState s, SessionCommand... commands) {
    for (SessionCommand c : commands) {
      SessionMachine.Decision d = machine.decide(s, c);
      assertTrue(d.accepted(), () -> c + " refused: " + d.error());
      s = SessionMachine.applyAll(s, d.events());
    }
    return s;
  }

  private SessionState initialized() {
    return run(empty(), INIT);
  }

  private List<SessionEvent> events(SessionState s, SessionCommand c) {
    SessionMachine.Decision d = machine.decide(s, c);
    assertTrue(d.accepted(), () -> c + " refused: " + d.error());
    assertNull(d.error());
    return d.events();
  }

  private JsonRpcError refusal(SessionState s, SessionCommand c) {
    SessionMachine.Decision d = machine.decide(s, c);
    assertFalse(d.accepted(), () -> c + " accepted: " + d.events());
    assertNull(d.events());
    return d.error();
  }

  @Test
  void initializeOfANewSessionIsInitialized() {
    assertEquals(
        List.of(new SessionEvent.Initialized("s1", "2025-06-18", INIT.clientInfo(), INIT.clientCapabilities(), 42)),
        events(empty(), INIT));
    SessionState s = initialized();
    assertEquals("s1", s.sessionId());
    assertEquals(ProtocolVersion.V2025_06_18, s.protocolVersion());
    assertTrue(s.exists());
    assertTrue(s.isActive());
    assertFalse(s.clientReady());
    assertEquals(42, s.createdAtMillis());
    assertTrue(s.clientHas("roots"));
  }

  @Test
  void initializeTwiceIsRefusedAsInvalidRequest() {
    assertEquals(JsonRpcError.INVALID_REQUEST, refusal(initialized(), INIT).code());
  }

  @Test
  void initializeOfAnEndedSessionIsRefused() {
    SessionState ended = run(initialized(), new SessionCommand.End(1, "bye"));
    assertEquals(JsonRpcError.INVALID_REQUEST, refusal(ended, INIT).code());
  }

  static Stream<SessionCommand> nonInitializeCommands() {
    return Stream.of(
        new SessionCommand.MarkReady(1),
        new SessionCommand.SetLogLevel(LogLevel.INFO),
        new SessionCommand.Subscribe("test://a"),
        new SessionCommand.Unsubscribe("test://a"),
        new SessionCommand.PutData("k", Json.NODES.textNode("v")),
        new SessionCommand.RemoveData("k"),
        new SessionCommand.AppendToStream("st", List.of("p"), false),
        new SessionCommand.End(1, "bye"));
  }

  @ParameterizedTest
  @MethodSource("nonInitializeCommands")
  void anyCommandOnASessionThatDoesNotExistIsSessionNotFound(SessionCommand c) {
    JsonRpcError e = refusal(empty(), c);
    assertEquals(SessionMachine.SESSION_NOT_FOUND, e.code());
  }

  @ParameterizedTest
  @MethodSource("nonInitializeCommands")
  void anyCommandOnAnEndedSessionIsSessionNotFound(SessionCommand c) {
    SessionState ended = run(initialized(), new SessionCommand.End(5, "deleted"));
    assertTrue(ended.ended());
    assertFalse(ended.isActive());
    assertEquals(SessionMachine.SESSION_NOT_FOUND, refusal(ended, c).code());
  }

  @Test
  void markReadyIsClientReadyOnceThenNothing() {
    SessionState s = initialized();
    assertEquals(List.of(new SessionEvent.ClientReady(9)), events(s, new SessionCommand.MarkReady(9)));
    s = run(s, new SessionCommand.MarkReady(9));
    assertTrue(s.clientReady());
    assertEquals(List.of(), events(s, new SessionCommand.MarkReady(10)));
  }

  @Test
  void setLogLevelIsLogLevelSet() {
    SessionState s = initialized();
    assertNull(s.logLevel());
    assertEquals(List.of(new SessionEvent.LogLevelSet(LogLevel.ERROR)), events(s, new SessionCommand.SetLogLevel(LogLevel.ERROR)));
    assertEquals(LogLevel.ERROR, run(s, new SessionCommand.SetLogLevel(LogLevel.ERROR)).logLevel());
  }

  @Test
  void subscribeIsSubscribedAndRepeatingItIsNothing() {
    SessionState s = initialized();
    assertEquals(List.of(new SessionEvent.Subscribed("u1")), events(s, new SessionCommand.Subscribe("u1")));
    s = run(s, new SessionCommand.Subscribe("u1"));
    assertEquals(Set.of("u1"), s.subscriptions());
    assertEquals(List.of(), events(s, new SessionCommand.Subscribe("u1")));
  }

  @Test
  void subscriptionsUpToTheLimitAreAcceptedAndOneMoreIsRefused() {
    SessionState s = run(initialized(), new SessionCommand.Subscribe("u1"), new SessionCommand.Subscribe("u2"));
    assertEquals(2, s.subscriptions().size());
    assertEquals(JsonRpcError.INVALID_PARAMS, refusal(s, new SessionCommand.Subscribe("u3")).code());
    // re-subscribing at the limit is still fine, and unsubscribing frees a place
    assertEquals(List.of(), events(s, new SessionCommand.Subscribe("u2")));
    s = run(s, new SessionCommand.Unsubscribe("u1"), new SessionCommand.Subscribe("u3"));
    assertEquals(Set.of("u2", "u3"), s.subscriptions());
  }

  @Test
  void unsubscribeIsUnsubscribedOnlyWhenSubscribed() {
    SessionState s = run(initialized(), new SessionCommand.Subscribe("u1"));
    assertEquals(List.of(new SessionEvent.Unsubscribed("u1")), events(s, new SessionCommand.Unsubscribe("u1")));
    assertEquals(List.of(), events(s, new SessionCommand.Unsubscribe("other")));
    assertTrue(run(s, new SessionCommand.Unsubscribe("u1")).subscriptions().isEmpty());
  }

  @Test
  void dataKeysUpToTheLimitAreAcceptedAndOneMoreIsRefused() {
    JsonNode v = Json.NODES.numberNode(1);
    SessionState s = run(initialized(), new SessionCommand.PutData("a", v), new SessionCommand.PutData("b", v));
    assertEquals(Map.of("a", v, "b", v), s.data());
    assertEquals(JsonRpcError.INVALID_PARAMS, refusal(s, new SessionCommand.PutData("c", v)).code());
    // overwriting an existing key at the limit is accepted
    JsonNode w = Json.NODES.numberNode(2);
    assertEquals(List.of(new SessionEvent.DataPut("a", w)), events(s, new SessionCommand.PutData("a", w)));
  }

  @Test
  void aDataValueOfExactlyTheLimitIsAcceptedAndOneCharMoreIsRefused() {
    SessionState s = initialized();
    JsonNode tenChars = Json.NODES.textNode("12345678"); // "12345678" with quotes: 10 chars
    assertEquals(10, tenChars.toString().length());
    events(s, new SessionCommand.PutData("k", tenChars));
    JsonNode elevenChars = Json.NODES.textNode("123456789");
    assertEquals(JsonRpcError.INVALID_PARAMS, refusal(s, new SessionCommand.PutData("k", elevenChars)).code());
  }

  @Test
  void removeDataIsDataRemovedOnlyForAPresentKey() {
    SessionState s = run(initialized(), new SessionCommand.PutData("a", Json.NODES.textNode("x")));
    assertEquals(List.of(new SessionEvent.DataRemoved("a")), events(s, new SessionCommand.RemoveData("a")));
    assertEquals(List.of(), events(s, new SessionCommand.RemoveData("zzz")));
    assertTrue(run(s, new SessionCommand.RemoveData("a")).data().isEmpty());
  }

  @Test
  void endIsEnded() {
    assertEquals(List.of(new SessionEvent.Ended(7, "expired")), events(initialized(), new SessionCommand.End(7, "expired")));
  }

  @Test
  void appendToStreamNumbersPayloadsFromNextSeqAndCanCloseTheStream() {
    SessionState s = initialized();
    assertEquals(1, s.nextSeq());
    assertEquals(
        List.of(
            new SessionEvent.StreamEventAppended(1, "st", "a"),
            new SessionEvent.StreamEventAppended(2, "st", "b"),
            new SessionEvent.StreamClosed("st")),
        events(s, new SessionCommand.AppendToStream("st", List.of("a", "b"), true)));
    s = run(s, new SessionCommand.AppendToStream("st", List.of("a", "b"), true));
    assertEquals(3, s.nextSeq());
    assertTrue(s.isStreamClosed("st"));
    assertFalse(s.isStreamClosed("other"));
  }

  @Test
  void appendingToAClosedStreamIsRefusedButOtherStreamsGoOn() {
    SessionState s = run(initialized(), new SessionCommand.AppendToStream("st", List.of("a"), true));
    assertEquals(JsonRpcError.INVALID_REQUEST, refusal(s, new SessionCommand.AppendToStream("st", List.of("b"), false)).code());
    assertEquals(List.of(new SessionEvent.StreamEventAppended(2, "other", "b")),
        events(s, new SessionCommand.AppendToStream("other", List.of("b"), false)));
  }

  @Test
  void appendingNothingWithCloseOnlyClosesTheStream() {
    assertEquals(List.of(new SessionEvent.StreamClosed("st")),
        events(initialized(), new SessionCommand.AppendToStream("st", List.of(), true)));
  }

  @Test
  void appendToStreamCopiesItsPayloadList() {
    List<String> payloads = new java.util.ArrayList<>(List.of("a"));
    SessionCommand.AppendToStream c = new SessionCommand.AppendToStream("st", payloads, false);
    payloads.add("b");
    assertEquals(List.of("a"), c.payloads());
  }

  @Test
  void decideDoesNotChangeTheStateItIsGiven() {
    SessionState s = initialized();
    machine.decide(s, new SessionCommand.PutData("a", Json.NODES.textNode("x")));
    machine.decide(s, new SessionCommand.Subscribe("u"));
    assertEquals(initialized(), s);
  }
}
