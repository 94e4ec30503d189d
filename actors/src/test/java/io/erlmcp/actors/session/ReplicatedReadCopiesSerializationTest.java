package io.erlmcp.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.erlmcp.actors.cluster.ClusterNotifications;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.server.McpServer;
import io.erlmcp.runtime.session.SessionState;
import io.erlmcp.runtime.session.StreamEvent;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What crosses nodes for the read copy and the notification bus goes through Jackson CBOR (never
 * Java serialization, which is off): a replicated map of read copies, and a notice.
 */
class ReplicatedReadCopiesSerializationTest {
  static final ActorTestKit KIT =
      ActorTestKit.create(
          "ReadCopySer",
          ConfigFactory.parseString(
                  "pekko.actor.provider = cluster\n"
                      + "pekko.remote.artery.canonical.port = 0\n"
                      + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n")
              .withFallback(ConfigFactory.load()));

  @AfterAll
  static void stop() {
    KIT.shutdownTestKit();
  }

  private static SessionState state() {
    return new SessionState(
        "s-1",
        ProtocolVersion.V2025_06_18,
        Json.parseObject("{\"name\":\"c\",\"version\":\"1\"}"),
        Json.parseObject("{\"sampling\":{}}"),
        true,
        LogLevel.WARNING,
        Set.of("hello://greeting"),
        Map.of("k", Json.NODES.textNode("v")),
        7,
        List.of(new StreamEvent(6, "p1", "{\"jsonrpc\":\"2.0\"}")),
        Set.of("p0"),
        1000,
        false,
        1234L);
  }

  private static Object roundTrip(Object o) {
    Serialization ser = SerializationExtension.get(KIT.system());
    Serializer s = ser.findSerializerFor(o);
    assertFalse(s instanceof org.apache.pekko.serialization.JavaSerializer, "no Java serialization");
    byte[] bytes = ser.serialize(o).get();
    return ser.deserialize(bytes, s.identifier(), Serializers.manifestFor(s, o)).get();
  }

  @Test
  void aReadCopyIsCompactAndCrossesNodesAsCbor() {
    ReplicatedReadCopies.ReadCopy copy = ReplicatedReadCopies.compact(42, state(), 1024);
    assertTrue(copy.state().streamBuffer().isEmpty(), "no SSE buffer in the read copy");
    assertEquals("jackson-cbor", serializerName(copy));
    assertEquals(copy, roundTrip(copy));
  }

  @Test
  void aReplicatedMapOfReadCopiesRoundTrips() {
    SelfUniqueAddress self = DistributedData.get(KIT.system()).selfUniqueAddress();
    LWWMap<String, ReplicatedReadCopies.ReadCopy> m =
        LWWMap.<String, ReplicatedReadCopies.ReadCopy>create()
            .put(self, "s-1", ReplicatedReadCopies.compact(42, state(), 1024));
    @SuppressWarnings("unchecked")
    LWWMap<String, ReplicatedReadCopies.ReadCopy> back =
        (LWWMap<String, ReplicatedReadCopies.ReadCopy>) roundTrip(m);
    assertEquals(m.getEntries(), back.getEntries());
  }

  @Test
  void sessionDataOverTheLimitMakesAPartialCopyThatIsNotUsed() {
    ReplicatedReadCopies.ReadCopy copy = ReplicatedReadCopies.compact(1, state(), 2);
    assertTrue(copy.partial());
    assertTrue(copy.state().data().isEmpty());
    assertNotEquals(ReplicatedReadCopies.compact(1, state(), 1024), copy);
  }

  @Test
  void aNotificationNoticeCrossesNodesAsCbor() {
    var n = new ClusterNotifications.Notice("pekko://erlmcp@h:1#2", McpServer.CatalogKind.TOOLS, null);
    assertEquals("jackson-cbor", serializerName(n));
    assertEquals(n, roundTrip(n));
  }

  private static String serializerName(Object o) {
    Serializer s = SerializationExtension.get(KIT.system()).findSerializerFor(o);
    return s.getClass().getName().equals("org.apache.pekko.serialization.jackson.JacksonCborSerializer")
        ? "jackson-cbor"
        : s.getClass().getName();
  }
}
