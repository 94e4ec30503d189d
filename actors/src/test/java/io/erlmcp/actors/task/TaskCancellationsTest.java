package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.tasks.InMemoryTaskStore;
import io.erlmcp.runtime.tasks.TaskSettings;
import io.erlmcp.runtime.tasks.Tasks;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two cluster members in one JVM: tasks/cancel on one node stops the handler on the other. */
class TaskCancellationsTest {
  private io.erlmcp.actors.TwoMembers two;
  private ActorTestKit a;
  private ActorTestKit b;

  @AfterEach
  void stop() {
    if (two != null) {
      two.close();
    }
  }

  private static Tasks tasks() {
    return new Tasks(new InMemoryTaskStore(), TaskSettings.DEFAULT, Executors.newCachedThreadPool());
  }

  @Test
  void aCancellationOnOneNodeStopsTheHandlerRunningOnTheOther() throws Exception {
    two = io.erlmcp.actors.TwoMembers.start("Cancel", "");
    a = two.a;
    b = two.b;
    long deadline;
    Tasks onA = tasks();
    Tasks onB = tasks();
    a.spawn(TaskCancellations.create(onA), "task-cancellations");
    b.spawn(TaskCancellations.create(onB), "task-cancellations");
    CancellationToken runningOnA = new CancellationToken();
    CancellationToken otherOnB = new CancellationToken();
    onA.started("t1", runningOnA);
    onB.started("t2", otherOnB);

    // The topic's subscribers spread by gossip: repeat until node a hears of it.
    deadline = System.currentTimeMillis() + 30_000;
    while (!runningOnA.isCancelled()) {
      assertTrue(System.currentTimeMillis() < deadline, "node a never heard of the cancellation");
      onB.cancel("t1", "cancelled on b");
      Thread.sleep(200);
    }
    assertEquals("cancelled on b", runningOnA.reason());
    assertFalse(otherOnB.isCancelled(), "only the named task is cancelled");
    onA.cancel("t2", "cancelled on a");
    deadline = System.currentTimeMillis() + 10_000;
    while (!otherOnB.isCancelled()) {
      assertTrue(System.currentTimeMillis() < deadline, "node b never heard of the cancellation");
      Thread.sleep(50);
    }
  }
}
