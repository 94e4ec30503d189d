package io.erlmcp.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.erlmcp.actors.TwoMembers.await;

import io.erlmcp.actors.TwoMembers;
import io.erlmcp.runtime.Json;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.cluster.typed.Leave;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two cluster members in one JVM, each with its own table of connected clients and presence
 * registry: a client connected on one is seen on the other, with transport and client info; a
 * disconnect removes it; a member that leaves or is downed has its clients pruned by the other.
 */
class PresenceRegistryTest {
  private static final PresenceRegistry.Settings SETTINGS =
      new PresenceRegistry.Settings(Duration.ofMillis(100), Duration.ofMinutes(5), 64);

  private TwoMembers two;
  private ActorTestKit a;
  private ActorTestKit b;
  private final ConnectedClients onA = new ConnectedClients(1000);
  private final ConnectedClients onB = new ConnectedClients(1000);
  private final AtomicReference<ClusterClients> seenByA = new AtomicReference<>();
  private final AtomicReference<ClusterClients> seenByB = new AtomicReference<>();
  private String addressOfA;

  @BeforeEach
  void start() throws Exception {
    two =
        TwoMembers.start(
            "Presence",
            "pekko.cluster.distributed-data.gossip-interval = 200ms\n"
                + "pekko.cluster.distributed-data.notify-subscribers-interval = 100ms\n");
    a = two.a;
    b = two.b;
    addressOfA = Cluster.get(a.system()).selfMember().address().toString();
    seenByA.set(ClusterClients.empty(addressOfA));
    seenByB.set(
        ClusterClients.empty(Cluster.get(b.system()).selfMember().address().toString()));
    a.spawn(PresenceRegistry.create(onA, seenByA, SETTINGS), "presence");
    b.spawn(PresenceRegistry.create(onB, seenByB, SETTINGS), "presence");
    await("both nodes' (empty) entries never reached b", () -> seenByB.get().nodes().size() == 2);
  }

  @AfterEach
  void stop() {
    if (two != null) {
      two.close();
    }
  }

  private PresenceRegistry.NodeClients nodeA(ClusterClients view) {
    return view.nodes().stream().filter(n -> n.node().equals(addressOfA)).findFirst().orElse(null);
  }

  private int countOfA(ClusterClients view) {
    PresenceRegistry.NodeClients n = nodeA(view);
    return n == null ? -1 : n.total();
  }

  @Test
  void aClientConnectedOnAIsSeenOnBWithItsTransportAndInfoAndLeavesOnDisconnect()
      throws Exception {
    onA.connected(
        "s1", "websocket", Json.object().put("name", "inspector").put("version", "0.9"), true);
    onA.connected("s2", "http", Json.object().put("name", "sdk"), false);
    await("b never saw a's two clients", () -> countOfA(seenByB.get()) == 2);
    PresenceRegistry.NodeClients entry = nodeA(seenByB.get());
    assertEquals(Map.of("http", 1, "websocket", 1), entry.byTransport());
    PresenceRegistry.Client s1 =
        entry.listed().stream().filter(c -> c.sessionId().equals("s1")).findFirst().orElseThrow();
    assertEquals("websocket", s1.transport());
    assertEquals("inspector", s1.name());
    assertEquals("0.9", s1.version());
    assertEquals(2, seenByB.get().total());
    assertEquals(0, seenByB.get().local());
    assertEquals(2, seenByA.get().local());

    onA.disconnected("s1");
    await("b still saw s1 after its disconnect", () -> countOfA(seenByB.get()) == 1);
    assertEquals(Map.of("http", 1), nodeA(seenByB.get()).byTransport());
  }

  @Test
  void whenALeavesItsClientsArePrunedFromBsView() throws Exception {
    onA.connected("s1", "tcp", null, true);
    await("b never saw a's client", () -> countOfA(seenByB.get()) == 1);
    Cluster.get(a.system()).manager().tell(Leave.create(Cluster.get(a.system()).selfMember().address()));
    await("a's entry stayed on b after a left", () -> nodeA(seenByB.get()) == null);
    assertEquals(0, seenByB.get().total());
    assertEquals(1, seenByB.get().nodes().size());
  }

  @Test
  void whenAIsDownedItsClientsArePrunedFromBsView() throws Exception {
    onA.connected("s1", "stdio", null, true);
    await("b never saw a's client", () -> countOfA(seenByB.get()) == 1);
    Cluster.get(b.system()).manager().tell(new Down(Cluster.get(a.system()).selfMember().address()));
    await("a's entry stayed on b after a was downed", () -> nodeA(seenByB.get()) == null);
    assertEquals(0, seenByB.get().total());
  }
}
