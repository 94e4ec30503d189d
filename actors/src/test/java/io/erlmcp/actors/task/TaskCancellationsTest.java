package io.erlmcp.actors.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.erlmcp.runtime.server.CancellationToken;
import io.erlmcp.runtime.tasks.InMemoryTaskStore;
import io.erlmcp.runtime.tasks.TaskSettings;
import io.erlmcp.runtime.tasks.Tasks;
import java.util.concurrent.Executors;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two cluster members in one JVM: tasks/cancel on one node stops the handler on the other. */
class TaskCancellationsTest {
  private ActorTestKit a;
  private ActorTestKit b;

  private static Config config() {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n")
        .withFallback(ConfigFactory.load());
  }

  @AfterEach
  void stop() {
    if (b != null) {
      b.shutdownTestKit();
    }
    if (a != null) {
      a.shutdownTestKit();
    }
  }

  private static Tasks tasks() {
    return new Tasks(new InMemoryTaskStore(), TaskSettings.DEFAULT, Executors.newCachedThreadPool());
  }

  @Test
  void aCancellationOnOneNodeStopsTheHandlerRunningOnTheOther() throws Exception {
    a = ActorTestKit.create("Cancel", config());
    b = ActorTestKit.create("Cancel", config());
    Cluster ca = Cluster.get(a.system());
    Cluster cb = Cluster.get(b.system());
    ca.manager().tell(Join.create(ca.selfMember().address()));
    cb.manager().tell(Join.create(ca.selfMember().address()));
    long deadline = System.currentTimeMillis() + 30_000;
    while (!(cb.selfMember().status() == MemberStatus.up()
        && ca.state().getMembers().spliterator().estimateSize() == 2)) {
      assertTrue(System.currentTimeMillis() < deadline, "cluster of two did not form");
      Thread.sleep(100);
    }
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
