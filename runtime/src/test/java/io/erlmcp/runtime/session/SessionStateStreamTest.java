package io.erlmcp.runtime.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The session's resumable streams: buffer bound, event ids, resumption. */
class SessionStateStreamTest {

  private static final int LIMIT = 3;
  private final SessionMachine machine = new SessionMachine();

  private SessionState initialized(int bufferLimit) {
    return exec(SessionState.empty(bufferLimit),
        new SessionCommand.Initialize("s", "2025-11-25", Json.object(), Json.object(), 0));
  }

  private SessionState exec(SessionState s, SessionCommand c) {
    SessionMachine.Decision d = machine.decide(s, c);
    assertTrue(d.accepted(), () -> String.valueOf(d.error()));
    return SessionMachine.applyAll(s, d.events());
  }

  private SessionState append(SessionState s, String stream, String... payloads) {
    return exec(s, new SessionCommand.AppendToStream(stream, List.of(payloads), false));
  }

  private static List<Long> seqs(List<StreamEvent> events) {
    return events.stream().map(StreamEvent::seq).toList();
  }

  @Test
  void aBufferFilledExactlyToItsLimitKeepsEveryEvent() {
    SessionState s = append(initialized(LIMIT), "a", "1", "2", "3");
    assertEquals(List.of(1L, 2L, 3L), seqs(s.streamBuffer()));
  }

  @Test
  void oneEventPastTheLimitDropsTheOldest() {
    SessionState s = append(initialized(LIMIT), "a", "1", "2", "3", "4");
    assertEquals(List.of(2L, 3L, 4L), seqs(s.streamBuffer()));
    assertEquals(5, s.nextSeq());
  }

  @Test
  void eventIdsAreUniqueAndIncreasingAcrossStreams() {
    SessionState s = initialized(100);
    s = append(s, "a", "x", "y");
    s = append(s, "b", "z");
    s = append(s, "a", "w");
    List<String> ids = s.streamBuffer().stream().map(StreamEvent::eventId).toList();
    assertEquals(List.of("1.a", "2.a", "3.b", "4.a"), ids);
    Set<String> unique = new HashSet<>(ids);
    assertEquals(ids.size(), unique.size());
    List<Long> seqs = seqs(s.streamBuffer());
    for (int i = 1; i < seqs.size(); i++) {
      assertTrue(seqs.get(i) > seqs.get(i - 1));
    }
  }

  @Test
  void eventsAfterReturnsOnlyThatStreamsLaterEvents() {
    SessionState s = initialized(100);
    s = append(s, "a", "a1");
    s = append(s, "b", "b1");
    s = append(s, "a", "a2", "a3");
    s = append(s, "b", "b2");
    List<StreamEvent> after = s.eventsAfter(StreamEvent.parse("1.a"));
    assertEquals(List.of("a2", "a3"), after.stream().map(StreamEvent::payload).toList());
    assertEquals(List.of("b2"), s.eventsAfter(StreamEvent.parse("2.b")).stream().map(StreamEvent::payload).toList());
    assertEquals(List.of(), s.eventsAfter(StreamEvent.parse("4.a")));
    assertEquals(List.of(), s.eventsAfter(StreamEvent.parse("0.nope")));
  }

  @Test
  void canResumeFromACursorStillInTheBuffer() {
    SessionState s = append(initialized(LIMIT), "a", "1", "2", "3", "4"); // buffer 2,3,4
    assertTrue(s.canResumeFrom(new StreamEvent.Cursor(1, "a"))); // next needed is 2: still there
    assertTrue(s.canResumeFrom(new StreamEvent.Cursor(3, "a")));
    assertTrue(s.canResumeFrom(new StreamEvent.Cursor(4, "a"))); // up to date
  }

  @Test
  void cannotResumeOnceTheCursorFellOutOfTheBuffer() {
    SessionState s = append(initialized(LIMIT), "a", "1", "2", "3", "4", "5"); // buffer 3,4,5
    assertFalse(s.canResumeFrom(new StreamEvent.Cursor(1, "a"))); // 2 was dropped
    assertTrue(s.canResumeFrom(new StreamEvent.Cursor(2, "a")));
  }

  @Test
  void cannotResumeFromACursorTheSessionNeverIssued() {
    SessionState s = append(initialized(LIMIT), "a", "1");
    assertFalse(s.canResumeFrom(new StreamEvent.Cursor(2, "a")));
    assertFalse(s.canResumeFrom(new StreamEvent.Cursor(99, "a")));
  }

  @Test
  void aFreshSessionCanResumeFromZero() {
    assertTrue(initialized(LIMIT).canResumeFrom(new StreamEvent.Cursor(0, "a")));
  }

  @Test
  void closedStreamsAreRememberedAndBoundedByTheBuffer() {
    SessionState s = initialized(2);
    s = exec(s, new SessionCommand.AppendToStream("a", List.of("1"), true));
    s = exec(s, new SessionCommand.AppendToStream("b", List.of("2"), true));
    assertEquals(Set.of("a", "b"), s.closedStreams());
    s = exec(s, new SessionCommand.AppendToStream("c", List.of("3"), true)); // buffer now 2.b, 3.c
    assertTrue(s.closedStreams().size() <= 2, s.closedStreams().toString());
    assertTrue(s.isStreamClosed("c"));
    assertTrue(s.isStreamClosed("b"));
  }

  @Test
  void theBufferIsImmutable() {
    SessionState s = append(initialized(LIMIT), "a", "1");
    org.junit.jupiter.api.Assertions.assertThrows(
        UnsupportedOperationException.class, () -> s.streamBuffer().add(new StreamEvent(9, "a", "x")));
  }

  @Test
  void manyEventsKeepTheBufferAtItsLimit() {
    SessionState s = initialized(10);
    List<String> payloads = new ArrayList<>();
    for (int i = 0; i < 95; i++) {
      payloads.add("p" + i);
    }
    s = exec(s, new SessionCommand.AppendToStream("a", payloads, false));
    assertEquals(10, s.streamBuffer().size());
    assertEquals(86, s.streamBuffer().get(0).seq());
    assertEquals(95, s.streamBuffer().get(9).seq());
  }

  // ---------------------------------------------------------------- StreamEvent.parse

  @Test
  void parseReadsBackAnEventId() {
    StreamEvent e = new StreamEvent(42, "stream-7", "x");
    assertEquals(new StreamEvent.Cursor(42, "stream-7"), StreamEvent.parse(e.eventId()));
    assertEquals(new StreamEvent.Cursor(0, "s"), StreamEvent.parse("0.s"));
    assertEquals(new StreamEvent.Cursor(3, "a.b"), StreamEvent.parse("3.a.b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12", ".s", "12.", "x.s", "-1.s", "1e3.s", "99999999999999999999.s", " 1.s"})
  void parseRefusesIdsThatAreNotOurs(String id) {
    assertNull(StreamEvent.parse(id));
  }

  @Test
  void parseOfNullIsNull() {
    assertNull(StreamEvent.parse(null));
    assertNotNull(StreamEvent.parse("1.x"));
  }
}
