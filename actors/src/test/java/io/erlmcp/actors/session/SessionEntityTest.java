package io.erlmcp.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionEvent;
import io.erlmcp.runtime.session.SessionMachine;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.session.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.SnapshotTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The session entity: replies after persisting, persists nothing for a refusal, survives restart.
 * Every command, event and state goes through the configured Jackson CBOR serializer and must
 * come back equal (the testkit's serialization verification).
 */
class SessionEntityTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "SessionEntityTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));

  private static final SessionEntity.Settings SETTINGS =
      new SessionEntity.Settings(3, 4, new SessionMachine.Limits(2, 100, 2));

  private EventSourcedBehaviorTestKit<SessionEntity.Command, SessionEvent, SessionState> entity;
  private String persistenceId;

  @BeforeEach
  void freshEntity() {
    String sessionId = "sess-" + System.nanoTime();
    persistenceId = SessionEntity.ENTITY_KEY.name() + "|" + sessionId;
    entity =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            SessionEntity.create(sessionId, SETTINGS),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private static final SessionCommand.Initialize INIT =
      new SessionCommand.Initialize(
          "s1",
          "2025-06-18",
          Json.parseObject("{\"name\":\"client\",\"version\":\"1\"}"),
          Json.parseObject("{\"sampling\":{},\"roots\":{\"listChanged\":true}}"),
          1234);

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          SessionEntity.Command, SessionEvent, SessionState, SessionEntity.Reply>
      execute(SessionCommand c) {
    return entity.runCommand(replyTo -> new SessionEntity.Execute(c, replyTo));
  }

  private SessionState accepted(SessionCommand c) {
    var r = execute(c);
    assertTrue(r.reply().accepted(), () -> c + " refused: " + r.reply().error());
    assertEquals(r.state(), r.reply().state());
    return r.reply().state();
  }

  @Test
  void initializeRepliesWithTheNewStateAfterPersistingInitialized() {
    var r = execute(INIT);
    assertTrue(r.reply().accepted());
    assertEquals(
        List.of(new SessionEvent.Initialized("s1", "2025-06-18", INIT.clientInfo(), INIT.clientCapabilities(), 1234)),
        r.events());
    SessionState s = r.reply().state();
    assertEquals("s1", s.sessionId());
    assertEquals(ProtocolVersion.V2025_06_18, s.protocolVersion());
    assertTrue(s.clientHas("sampling"));
    assertEquals(s, entity.getState());
  }

  @Test
  void aRefusedCommandPersistsNothingAndRepliesTheError() {
    var beforeInit = execute(new SessionCommand.SetLogLevel(LogLevel.INFO));
    assertFalse(beforeInit.reply().accepted());
    assertEquals(SessionMachine.SESSION_NOT_FOUND, beforeInit.reply().error().code());
    assertNull(beforeInit.reply().state());
    assertTrue(beforeInit.hasNoEvents());

    accepted(INIT);
    var twice = execute(INIT);
    assertEquals(JsonRpcError.INVALID_REQUEST, twice.reply().error().code());
    assertTrue(twice.hasNoEvents());
  }

  @Test
  void theDataKeyLimitIsEnforcedAtLimitPlusOneWithoutPersisting() {
    accepted(INIT);
    accepted(new SessionCommand.PutData("a", Json.NODES.numberNode(1)));
    accepted(new SessionCommand.PutData("b", Json.parseObject("{\"nested\":[1,2,{\"x\":null}]}")));
    var third = execute(new SessionCommand.PutData("c", Json.NODES.numberNode(3)));
    assertEquals(JsonRpcError.INVALID_PARAMS, third.reply().error().code());
    assertTrue(third.hasNoEvents());
    assertEquals(Set.of("a", "b"), entity.getState().data().keySet());
  }

  @Test
  void aCommandThatChangesNothingRepliesWithoutPersisting() {
    accepted(INIT);
    var r = execute(new SessionCommand.Unsubscribe("test://never-subscribed"));
    assertTrue(r.reply().accepted());
    assertTrue(r.hasNoEvents());
    assertEquals(entity.getState(), r.reply().state());
  }

  @Test
  void appendToStreamAssignsSequentialSeqsAcrossCommands() {
    accepted(INIT);
    var first = execute(new SessionCommand.AppendToStream("st-1", List.of("a", "b"), false));
    assertEquals(
        List.of(new SessionEvent.StreamEventAppended(1, "st-1", "a"), new SessionEvent.StreamEventAppended(2, "st-1", "b")),
        first.events());
    var second = execute(new SessionCommand.AppendToStream("st-2", List.of("c"), true));
    assertEquals(
        List.of(new SessionEvent.StreamEventAppended(3, "st-2", "c"), new SessionEvent.StreamClosed("st-2")),
        second.events());
    SessionState s = second.reply().state();
    assertEquals(4, s.nextSeq());
    assertEquals(List.of("1.st-1", "2.st-1", "3.st-2"), s.streamBuffer().stream().map(StreamEvent::eventId).toList());
    assertTrue(s.isStreamClosed("st-2"));
  }

  @Test
  void theStreamBufferLimitFromSettingsDropsTheOldest() {
    accepted(INIT);
    SessionState s = accepted(new SessionCommand.AppendToStream("st", List.of("1", "2", "3", "4"), false));
    assertEquals(List.of(2L, 3L, 4L), s.streamBuffer().stream().map(StreamEvent::seq).toList());
    assertFalse(s.canResumeFrom(new StreamEvent.Cursor(0, "st")));
    assertTrue(s.canResumeFrom(new StreamEvent.Cursor(1, "st")));
  }

  @Test
  void everyEventKindIsPersistedAndTheStateSurvivesRestart() {
    accepted(INIT);
    accepted(new SessionCommand.MarkReady(2000));
    accepted(new SessionCommand.SetLogLevel(LogLevel.WARNING));
    accepted(new SessionCommand.Subscribe("test://a"));
    accepted(new SessionCommand.Subscribe("test://b"));
    accepted(new SessionCommand.Unsubscribe("test://a"));
    accepted(new SessionCommand.PutData("k", Json.parseObject("{\"v\":[1,\"two\"]}")));
    accepted(new SessionCommand.PutData("gone", Json.NODES.booleanNode(true)));
    accepted(new SessionCommand.RemoveData("gone"));
    accepted(new SessionCommand.AppendToStream("st", List.of("e1", "e2"), true));
    SessionState before = entity.getState();

    var restarted = entity.restart();
    SessionState after = restarted.state();
    assertEquals(before, after);
    assertTrue(after.clientReady());
    assertEquals(LogLevel.WARNING, after.logLevel());
    assertEquals(Set.of("test://b"), after.subscriptions());
    assertEquals(Map.of("k", (JsonNode) Json.parseObject("{\"v\":[1,\"two\"]}")), after.data());
    assertEquals(3, after.nextSeq());
    assertTrue(after.isStreamClosed("st"));
    assertEquals(ProtocolVersion.V2025_06_18, after.protocolVersion());

    // and it goes on from where it was
    var next = execute(new SessionCommand.AppendToStream("st-2", List.of("e3"), false));
    assertEquals(List.of(new SessionEvent.StreamEventAppended(3, "st-2", "e3")), next.events());
  }

  @Test
  void anEndedSessionRefusesEverythingEvenAfterRestart() {
    accepted(INIT);
    accepted(new SessionCommand.End(9, "deleted"));
    entity.restart();
    assertTrue(entity.getState().ended());
    var r = execute(new SessionCommand.PutData("k", Json.NODES.numberNode(1)));
    assertEquals(SessionMachine.SESSION_NOT_FOUND, r.reply().error().code());
    assertTrue(r.hasNoEvents());
  }

  @Test
  void getRepliesTheCurrentStateWithoutPersisting() {
    var empty = entity.<SessionState>runCommand(SessionEntity.Get::new);
    assertFalse(empty.reply().exists());
    assertTrue(empty.hasNoEvents());
    accepted(INIT);
    var got = entity.<SessionState>runCommand(SessionEntity.Get::new);
    assertEquals("s1", got.reply().sessionId());
    assertTrue(got.hasNoEvents());
  }

  @Test
  void aSnapshotIsTakenEverySnapshotEveryEvents() {
    SnapshotTestKit snapshots = entity.snapshotTestKit().orElseThrow();
    accepted(INIT);
    accepted(new SessionCommand.SetLogLevel(LogLevel.INFO));
    accepted(new SessionCommand.SetLogLevel(LogLevel.ERROR));
    snapshots.expectNothingPersisted(persistenceId, Duration.ofMillis(100));
    accepted(new SessionCommand.Subscribe("test://x")); // the 4th event; snapshot-every = 4
    SessionState snap = snapshots.expectNextPersistedClass(persistenceId, SessionState.class);
    assertEquals(Set.of("test://x"), snap.subscriptions());
    assertEquals(LogLevel.ERROR, snap.logLevel());
    assertEquals(entity.getState(), entity.restart().state());
  }

  @Test
  void repliesRoundTripThroughTheConfiguredCborSerializer() {
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    SessionState state = accepted(INIT);
    for (Object message : List.of(
        new SessionEntity.Reply(state, null),
        new SessionEntity.Reply(null, JsonRpcError.of(SessionMachine.SESSION_NOT_FOUND, "Session not found")),
        new SessionEntity.Reply(null, JsonRpcError.invalidParams("nope").withData(Json.parseObject("{\"uri\":\"x\"}"))),
        state)) {
      Serializer serializer = serialization.findSerializerFor(message);
      assertEquals("org.apache.pekko.serialization.jackson.JacksonCborSerializer", serializer.getClass().getName());
      byte[] bytes = serializer.toBinary(message);
      String manifest = Serializers.manifestFor(serializer, message);
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(message, back);
    }
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          SessionEntity.Command, SessionEvent, SessionState, SessionEntity.Reply>
      execute(SessionCommand c, String commandId) {
    return entity.runCommand(replyTo -> new SessionEntity.Execute(c, replyTo, commandId));
  }

  @Test
  void aCommandIdIsWrittenWithItsEventsAndAResendIsAnsweredWithoutApplyingIt() {
    accepted(INIT);
    var first = execute(new SessionCommand.AppendToStream("st", List.of("a", "b"), false), "cmd-1");
    assertEquals(
        List.of(
            new SessionEvent.StreamEventAppended(1, "st", "a"),
            new SessionEvent.StreamEventAppended(2, "st", "b"),
            new SessionEvent.CommandApplied("cmd-1", 1)),
        first.events());
    assertEquals(1, first.reply().firstSeq());
    assertFalse(first.reply().duplicate());
    accepted(new SessionCommand.AppendToStream("st", List.of("c"), false));

    var resent = execute(new SessionCommand.AppendToStream("st", List.of("a", "b"), false), "cmd-1");
    assertTrue(resent.hasNoEvents());
    assertTrue(resent.reply().accepted());
    assertTrue(resent.reply().duplicate());
    assertEquals(1, resent.reply().firstSeq(), "the original command's first event id");
    assertEquals(4, entity.getState().nextSeq());
  }

  @Test
  void appliedCommandIdsSurviveRestartAndSnapshots() {
    accepted(INIT);
    // snapshot-every = 4 in these settings: these writes cross a snapshot.
    for (int i = 0; i < 5; i++) {
      execute(new SessionCommand.PutData("k", Json.NODES.numberNode(i)), "put-" + i);
    }
    entity.restart();
    for (int i = 0; i < 5; i++) {
      var again = execute(new SessionCommand.PutData("k", Json.NODES.numberNode(i)), "put-" + i);
      assertTrue(again.reply().duplicate(), "put-" + i + " remembered after restart");
      assertTrue(again.hasNoEvents());
    }
    assertEquals(4, entity.getState().data().get("k").asInt());
  }

  @Test
  void aRefusedCommandRecordsNoIdAndARepeatIsDecidedAgain() {
    var refused = execute(new SessionCommand.SetLogLevel(LogLevel.INFO), "early");
    assertFalse(refused.reply().accepted());
    assertTrue(refused.hasNoEvents());
    accepted(INIT);
    var later = execute(new SessionCommand.SetLogLevel(LogLevel.INFO), "early");
    assertTrue(later.reply().accepted());
    assertFalse(later.reply().duplicate());
    assertEquals(LogLevel.INFO, entity.getState().logLevel());
  }
}
