package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskState;
import io.erlmcp.runtime.tasks.TaskStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Task writes are resent until answered, and written once. Sharding runs the real task entity (a
 * cluster of one, the persistence test kit's journal, so the test reads what was written) behind
 * a stand-in that injects what a node's death does to a write: "drop-" tasks lose each event's
 * first attempt, "lose-" tasks apply it and lose its reply.
 */
class ShardedTaskStoreResendTest {
  private static ActorTestKit kit;
  private static PersistenceTestKit journal;

  /** Attempts per task id and event. */
  private static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    kit =
        io.erlmcp.actors.TwoMembers.single(
            "TaskStoreResend",
            "pekko.persistence.journal.plugin = \"pekko.persistence.testkit.journal\"\n"
                + "pekko.persistence.testkit.journal.class ="
                + " \"org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin\"\n"
                + "erlmcp.session.write-attempt-timeout = 300ms\n"
                + "erlmcp.session.write-timeout = 20s\n");
    journal = PersistenceTestKit.create(kit.system());
    ClusterSharding.get(kit.system())
        .init(Entity.of(TaskEntity.ENTITY_KEY, ctx -> lossy(ctx.getEntityId())));
    TaskIndexEntity.init(kit.system(), 10);
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static Behavior<TaskEntity.Command> lossy(String taskId) {
    return Behaviors.setup(
        ctx -> {
          ActorRef<TaskEntity.Command> real = ctx.spawn(TaskEntity.create(taskId), "real");
          return Behaviors.receiveMessage(
              m -> {
                if (m instanceof TaskEntity.Record r) {
                  int n =
                      attempts
                          .computeIfAbsent(taskId + "/" + r.event(), k -> new AtomicInteger())
                          .incrementAndGet();
                  if (taskId.startsWith("drop-") && n == 1) {
                    return Behaviors.same();
                  }
                  if (taskId.startsWith("lose-") && n == 1) {
                    real.tell(new TaskEntity.Record(r.event(), ctx.getSystem().ignoreRef()));
                    return Behaviors.same();
                  }
                }
                real.tell(m);
                return Behaviors.same();
              });
        });
  }

  private static TaskEvent.Created created(String id) {
    return new TaskEvent.Created(
        id, "owner-" + id, "2025-11-25", "t", Json.object(), null, null, 60_000, 500, null, 1);
  }

  private static <T> T await(java.util.concurrent.CompletionStage<T> s) throws Exception {
    return s.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static List<Object> written(String taskId) {
    return journal.persistedInStorage("erlmcp-task|" + taskId);
  }

  private void createWorkComplete(String id) throws Exception {
    ShardedTaskStore store = new ShardedTaskStore(kit.system(), Duration.ofSeconds(10));
    TaskState s = await(store.create(created(id)));
    assertEquals(TaskStatus.WORKING, s.status());
    TaskEvent.StatusChanged input =
        new TaskEvent.StatusChanged(TaskStatus.INPUT_REQUIRED, "asking", null, 2);
    assertEquals(TaskStatus.INPUT_REQUIRED, await(store.append(id, input)).status());
    TaskEvent.Completed done = new TaskEvent.Completed(Json.parseObject("{\"content\":[]}"), 3);
    assertEquals(TaskStatus.COMPLETED, await(store.append(id, done)).status());
    assertTrue(store.resends() >= 3, "every write was resent: " + store.resends());
    assertEquals(List.of(created(id), input, done), written(id), "each event written once");
    assertEquals(List.of(id), await(store.list("owner-" + id)).stream().map(TaskState::taskId).toList());
  }

  @Test
  void writesWhoseFirstAttemptVanishesAreResentAndWrittenOnce() throws Exception {
    createWorkComplete("drop-" + System.nanoTime());
  }

  @Test
  void writesWhoseReplyVanishesAreAnsweredFromTheRecordNotWrittenAgain() throws Exception {
    // Without the entity's check of recent events, the resent creation would be refused ("task
    // exists") and the resent status change written twice.
    createWorkComplete("lose-" + System.nanoTime());
  }
}
