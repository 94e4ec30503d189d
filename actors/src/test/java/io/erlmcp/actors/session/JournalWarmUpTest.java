package io.erlmcp.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The journal warm-up a node runs before it hosts sessions. */
class JournalWarmUpTest {

  private static final ActorTestKit kit =
      ActorTestKit.create(
          "JournalWarmUpTest",
          PersistenceTestKitPlugin.getInstance()
              .config()
              .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config())
              .withFallback(ConfigFactory.parseString("pekko.actor.provider = local"))
              .withFallback(ConfigFactory.load()));

  private static final PersistenceTestKit journal = PersistenceTestKit.create(kit.system());

  @BeforeEach
  void clear() {
    journal.clearAll();
    journal.resetPolicy();
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Runs the warm-up from an actor (it spawns its persistent actor as that actor's child). */
  private static Done warmUp(Duration timeout) throws Exception {
    java.util.concurrent.CompletableFuture<Done> result = new java.util.concurrent.CompletableFuture<>();
    Behavior<Void> runner =
        Behaviors.setup(
            ctx -> {
              JournalWarmUp.run(ctx, timeout)
                  .whenComplete(
                      (d, e) -> {
                        if (e != null) {
                          result.completeExceptionally(e);
                        } else {
                          result.complete(d);
                        }
                      });
              return Behaviors.empty();
            });
    ActorRef<Void> ref = kit.spawn(runner);
    try {
      return result.get(30, TimeUnit.SECONDS);
    } finally {
      kit.stop(ref);
    }
  }

  @Test
  void itRecoversAndWritesOneEventUnderThisNodesOwnId() throws Exception {
    assertEquals(Done.getInstance(), warmUp(Duration.ofSeconds(10)));
    String id = "erlmcp-warmup|" + kit.system().address().hostPort();
    List<Object> events = journal.persistedInStorage(id);
    assertEquals(1, events.size());
    assertTrue(events.get(0) instanceof JournalWarmUp.WarmedUp);
    warmUp(Duration.ofSeconds(10));
    assertEquals(2, journal.persistedInStorage(id).size(), "a second start recovers the first event and adds one");
  }

  @Test
  void aJournalThatFailsTheWriteFailsTheWarmUpWithinItsTimeout() {
    journal.failNextPersisted();
    ExecutionException e = assertThrows(ExecutionException.class, () -> warmUp(Duration.ofSeconds(2)));
    assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.getCause().toString());
  }
}
