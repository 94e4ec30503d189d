package io.erlmcp.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.server.Tool;
import io.erlmcp.runtime.server.ToolResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two cluster members in one JVM: a resource update on one node reaches the other's listeners. */
class ClusterNotificationsTest {
  private io.erlmcp.actors.TwoMembers two;
  private ActorTestKit a;
  private ActorTestKit b;

  @AfterEach
  void stop() {
    if (two != null) {
      two.close();
    }
  }

  private static final class Recorder implements McpServer.Listener {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void catalogChanged(McpServer.CatalogKind kind) {
      seen.add(kind.name());
    }

    @Override
    public void resourceUpdated(String uri) {
      seen.add("updated " + uri);
    }
  }

  @Test
  void aResourceUpdatedOnOneNodeIsAnnouncedOnTheOtherNodeExactlyOnce()
      throws Exception {
    two = io.erlmcp.actors.TwoMembers.start("Notify", "");
    a = two.a;
    b = two.b;
    long deadline;
    McpServer sa = McpServer.builder("a", "1").build();
    McpServer sb = McpServer.builder("b", "1").build();
    a.spawn(ClusterNotifications.create(sa), "notifications");
    b.spawn(ClusterNotifications.create(sb), "notifications");
    Recorder onB = new Recorder();
    sb.addListener(onB);
    Recorder onA = new Recorder();
    sa.addListener(onA);

    // The topic's subscribers spread by gossip: repeat the update until node b hears of it.
    deadline = System.currentTimeMillis() + 30_000;
    while (!onB.seen.contains("updated hello://warm-up")) {
      assertTrue(System.currentTimeMillis() < deadline, "node b never heard of node a's update");
      sa.resourceUpdated("hello://warm-up");
      Thread.sleep(300);
    }
    Thread.sleep(1000);
    onB.seen.clear();
    onA.seen.clear();
    sa.resourceUpdated("hello://greeting");
    deadline = System.currentTimeMillis() + 10_000;
    while (!onB.seen.contains("updated hello://greeting")) {
      assertTrue(System.currentTimeMillis() < deadline, "node b never heard of the resource update");
      Thread.sleep(50);
    }
    Thread.sleep(1000);
    // Once on each node: b's replay is not published back to a, nor replayed twice on b.
    assertEquals(List.of("updated hello://greeting"), onB.seen);
    assertEquals(List.of("updated hello://greeting"), onA.seen);
    onB.seen.clear();
    sa.addTool(Tool.builder("t").syncHandler((x, c) -> ToolResult.text("x")).build());
    Thread.sleep(1500);
    assertEquals(List.of(), onB.seen, "catalog changes are the registry's (CatalogRegistry), not relayed here");
  }
}
