package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskState;
import io.erlmcp.runtime.tasks.TaskStatus;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The task entity: replies after persisting, persists nothing for an event its state refuses (a
 * second creation, anything after a terminal state), and recovers its state from the journal.
 * Every command, reply, event and state goes through the configured Jackson CBOR serializer and
 * must come back equal.
 */
class TaskEntityTest {

  private static final ActorTestKit testKit =
      ActorTestKit.create(
          "TaskEntityTest",
          EventSourcedBehaviorTestKit.config()
              .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));

  private EventSourcedBehaviorTestKit<TaskEntity.Command, TaskEvent, TaskState> entity;
  private String taskId;

  @BeforeEach
  void freshEntity() {
    taskId = "task-" + System.nanoTime();
    entity =
        EventSourcedBehaviorTestKit.create(
            testKit.system(),
            TaskEntity.create(taskId),
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyEquality(true));
  }

  @AfterAll
  static void shutdown() {
    testKit.shutdownTestKit();
  }

  private TaskEvent.Created created() {
    return created(1_000);
  }

  private TaskEvent.Created created(long atMillis) {
    return new TaskEvent.Created(
        taskId,
        "session-1",
        "2026-07-28",
        "slow_compute",
        Json.parseObject("{\"seconds\":1}"),
        Json.parseObject("{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}"),
        Json.object(),
        60_000,
        500,
        "node-a",
        atMillis);
  }

  private EventSourcedBehaviorTestKit.CommandResultWithReply<
          TaskEntity.Command, TaskEvent, TaskState, TaskEntity.Reply>
      record(TaskEvent e) {
    return entity.runCommand(replyTo -> new TaskEntity.Record(e, replyTo));
  }

  @Test
  void creationIsPersistedThenAnswered() {
    var r = record(created());
    assertTrue(r.reply().accepted());
    assertEquals(List.of(created()), r.events());
    assertEquals(TaskStatus.WORKING, r.reply().state().status());
    assertEquals(r.state(), r.reply().state());
  }

  @Test
  void aSecondCreationIsRefusedAndPersistsNothing() {
    record(created());
    // Another creation of the same id (not a resend of the first: another time).
    var again = record(created(2_000));
    assertFalse(again.reply().accepted());
    assertTrue(again.hasNoEvents());
  }

  @Test
  void aTerminalTaskRefusesLaterEvents() {
    record(created());
    TaskEvent done = new TaskEvent.Completed(Json.parseObject("{\"content\":[{\"type\":\"text\",\"text\":\"ok\"}]}"), 2_000);
    assertTrue(record(done).reply().accepted());
    var late = record(new TaskEvent.Cancelled("too late", 3_000));
    assertFalse(late.reply().accepted());
    assertTrue(late.hasNoEvents());
    assertEquals(TaskStatus.COMPLETED, late.reply().state().status());
  }

  @Test
  void eventsBeforeCreationAreRefused() {
    var r = record(new TaskEvent.Failed(Json.parseObject("{\"code\":-32603,\"message\":\"x\"}"), 1));
    assertFalse(r.reply().accepted());
    assertFalse(r.reply().state().exists());
    assertTrue(r.hasNoEvents());
  }

  @Test
  void theStateIsRecoveredFromTheJournal() {
    record(created());
    record(
        new TaskEvent.StatusChanged(
            TaskStatus.INPUT_REQUIRED,
            "waiting",
            Json.parseObject("{\"k\":{\"method\":\"elicitation/create\",\"params\":{}}}"),
            1_500));
    record(new TaskEvent.InputProvided(Json.parseObject("{\"k\":{\"action\":\"accept\"}}"), 1_600));
    TaskState before = entity.getState();
    entity.restart();
    TaskState after = entity.getState();
    assertEquals(before, after);
    assertEquals("accept", after.responses().path("k").path("action").asText());
    assertEquals(0, after.inputRequests().size());
    var got = entity.<TaskEntity.Reply>runCommand(TaskEntity.Get::new);
    assertEquals(after, got.reply().state());
    assertTrue(got.hasNoEvents());
  }

  @Test
  void aResentEventIsAnsweredAsAppliedAndWrittenOnceAlsoAfterARestart() {
    TaskEvent.StatusChanged asked =
        new TaskEvent.StatusChanged(
            TaskStatus.INPUT_REQUIRED,
            "waiting",
            Json.parseObject("{\"k\":{\"method\":\"elicitation/create\",\"params\":{}}}"),
            1_500);
    assertTrue(record(created()).reply().accepted());
    var first = record(asked);
    assertEquals(List.of(asked), first.events());
    assertFalse(first.reply().duplicate());

    // The store resends when the reply was lost: the same event (same time) again.
    var resent = record(asked);
    assertTrue(resent.reply().accepted(), "a resend is answered as applied");
    assertTrue(resent.reply().duplicate());
    assertTrue(resent.hasNoEvents(), "and not written again");
    // A resend of the creation is answered too (a second creation is still refused: other test).
    var createdAgain = record(created());
    assertTrue(createdAgain.reply().accepted() && createdAgain.reply().duplicate());
    assertTrue(createdAgain.hasNoEvents());

    // On another node (here: after a restart) the recent events come from the journal.
    entity.restart();
    var afterRestart = record(asked);
    assertTrue(afterRestart.reply().duplicate());
    assertTrue(afterRestart.hasNoEvents());

    // A new event with another time is a new event.
    TaskEvent.InputProvided answer =
        new TaskEvent.InputProvided(Json.parseObject("{\"k\":{\"action\":\"accept\"}}"), 1_600);
    var applied = record(answer);
    assertEquals(List.of(answer), applied.events());
    assertFalse(applied.reply().duplicate());
  }
}
