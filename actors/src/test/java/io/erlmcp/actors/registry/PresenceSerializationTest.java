package io.erlmcp.actors.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.runtime.Json;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A node's presence entry crosses nodes as Jackson CBOR inside the Distributed Data map, and at
 * the listing limit with the longest client info it stays within the size docs/cluster.md gives
 * (so the map of ~35 such nodes fits Artery's 256 KiB frame).
 */
class PresenceSerializationTest {
  static final ActorTestKit KIT =
      ActorTestKit.create("PresenceSer", io.erlmcp.actors.TwoMembers.config(""));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static String text(java.util.Random random, int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append((char) ('a' + random.nextInt(26)));
    }
    return b.toString();
  }

  @Test
  void aFullNodeEntryCrossesNodesAsCborInAtMost8KiB() throws Exception {
    ConnectedClients table = new ConnectedClients(1000);
    java.util.Random random = new java.util.Random(5);
    for (int i = 0; i < 100; i++) {
      // Random text: nothing a compressing serializer could fold away.
      table.connected(
          text(random, 22),
          "websocket",
          Json.object().put("name", text(random, 100)).put("version", text(random, 100)),
          true);
    }
    PresenceRegistry.NodeClients entry = table.summary("pekko://erlmcp@127.0.0.1:25521", 64);
    LWWMap<String, PresenceRegistry.NodeClients> map =
        LWWMap.<String, PresenceRegistry.NodeClients>create()
            .put(DistributedData.get(KIT.system()).selfUniqueAddress(), "node", entry);

    Serialization ser = SerializationExtension.get(KIT.system());
    Serializer s = ser.findSerializerFor(map);
    assertFalse(s instanceof org.apache.pekko.serialization.JavaSerializer, "no Java serialization");
    assertTrue(
        ser.findSerializerFor(entry)
            instanceof org.apache.pekko.serialization.jackson.JacksonCborSerializer,
        "the entry itself is Jackson CBOR");
    byte[] bytes = ser.serialize(map).get();
    System.out.println("a node entry listing 64 sessions (longest client info): " + bytes.length + " bytes");
    assertTrue(bytes.length <= 8 * 1024, "entry of 64 listed sessions: " + bytes.length + " bytes");
    @SuppressWarnings("unchecked")
    LWWMap<String, PresenceRegistry.NodeClients> back =
        (LWWMap<String, PresenceRegistry.NodeClients>)
            ser.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, map)).get();
    assertEquals(entry, back.get("node").get());
    assertEquals(100, back.get("node").get().total());
  }
}
