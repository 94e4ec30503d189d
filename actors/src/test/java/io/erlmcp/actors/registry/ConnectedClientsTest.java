package io.erlmcp.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.erlmcp.runtime.Json;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The node's table of connected clients: its bounds on both sides, expiry and change counter. */
class ConnectedClientsTest {

  @Test
  void aNodeListsAtMostTheLimitOfSessionsButCountsThemAll() {
    ConnectedClients t = new ConnectedClients(1000);
    for (int i = 0; i < 64; i++) {
      t.connected("s" + i, "http", null, false);
    }
    PresenceRegistry.NodeClients atLimit = t.summary("n", 64);
    assertEquals(64, atLimit.total());
    assertEquals(64, atLimit.listed().size());
    t.connected("s64", "tcp", null, true);
    PresenceRegistry.NodeClients past = t.summary("n", 64);
    assertEquals(65, past.total());
    assertEquals(64, past.listed().size());
    assertEquals(Map.of("http", 64, "tcp", 1), past.byTransport());
  }

  @Test
  void pastMaxTrackedANewSessionIsNotCountedUntilAnotherLeaves() {
    ConnectedClients t = new ConnectedClients(2);
    t.connected("a", "tcp", null, true);
    t.connected("b", "tcp", null, true);
    t.connected("c", "tcp", null, true);
    assertEquals(2, t.size());
    t.disconnected("a");
    t.connected("c", "tcp", null, true);
    assertEquals(2, t.size());
  }

  @Test
  void onlySessionsWithoutAConnectionExpireWhenIdle() throws Exception {
    ConnectedClients t = new ConnectedClients(10);
    t.connected("http", "http", null, false);
    t.connected("ws", "websocket", null, true);
    Thread.sleep(5);
    t.expireIdle(System.currentTimeMillis());
    assertEquals(1, t.size());
    assertEquals("ws", t.summary("n", 10).listed().get(0).sessionId());
  }

  @Test
  void aSessionSeenAgainIsNotExpiredAndChangesNothingToReplicate() throws Exception {
    ConnectedClients t = new ConnectedClients(10);
    t.connected("h", "http", null, false);
    long before = t.version();
    Thread.sleep(5);
    long cutoff = System.currentTimeMillis();
    Thread.sleep(5);
    t.connected("h", "http", null, false); // a request: already tracked, seen again
    t.expireIdle(cutoff);
    assertEquals(1, t.size());
    assertEquals(before, t.version());
    t.disconnected("h");
    assertNotEquals(before, t.version());
  }

  @Test
  void clientInfoIsCutTo64CharactersAndMissingFieldsAreNull() {
    ConnectedClients t = new ConnectedClients(10);
    t.connected("s", "stdio", Json.object().put("name", "x".repeat(200)), true);
    PresenceRegistry.Client c = t.summary("n", 10).listed().get(0);
    assertEquals(64, c.name().length());
    assertNull(c.version());
  }
}
