package io.erlmcp.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.junit.jupiter.api.Test;

/**
 * Events written by one ActorSystem are recovered, complete and in order, by a new ActorSystem:
 * the journal, not memory, holds the entity. Subclasses supply the mode's configuration.
 */
abstract class JournalRoundTrip {

  /** Test messages and events go through Jackson CBOR; Java serialization stays off. */
  static final Config SERIALIZATION =
      ConfigFactory.parseString(
          """
          pekko.actor.serialization-bindings {
            "io.erlmcp.persistence.CborSerializable" = jackson-cbor
          }
          pekko.actor.allow-java-serialization = off
          pekko.loglevel = WARNING
          """);

  static final int EVENTS = 50;

  /** The complete configuration of the mode under test; called once per ActorSystem. */
  abstract Config config();

  /** Time for the first write, which may include creating the schema. */
  Duration firstWriteTimeout() {
    return Duration.ofSeconds(30);
  }

  @Test
  void eventsPersistedByOneSystemAreRecoveredInOrderByANewSystem() {
    PersistenceId id = PersistenceId.of("Ledger", UUID.randomUUID().toString());
    List<String> written = IntStream.rangeClosed(1, EVENTS).mapToObj(i -> "entry-" + i).toList();

    ActorTestKit first = ActorTestKit.create("journal-write", config());
    try {
      assertTrue(
          SerializationExtension.get(first.system()).findSerializerFor(new Ledger.Appended("x"))
              instanceof JacksonCborSerializer,
          "events must be bound to jackson-cbor");
      ActorRef<Ledger.Command> ledger = first.spawn(Ledger.create(id));
      TestProbe<StatusReply<Done>> acks = first.createTestProbe();
      for (int i = 0; i < written.size(); i++) {
        ledger.tell(new Ledger.Append(written.get(i), acks.ref()));
        StatusReply<Done> ack =
            acks.receiveMessage(i == 0 ? firstWriteTimeout() : Duration.ofSeconds(10));
        assertTrue(ack.isSuccess(), () -> "append failed: " + ack);
      }
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create("journal-recover", config());
    try {
      ActorRef<Ledger.Command> recovered = second.spawn(Ledger.create(id));
      TestProbe<Ledger.Entries> entries = second.createTestProbe();
      recovered.tell(new Ledger.GetEntries(entries.ref()));
      assertEquals(written, entries.receiveMessage(Duration.ofSeconds(30)).entries());
    } finally {
      second.shutdownTestKit();
    }
  }
}
