package io.erlmcp.actors.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.actors.TwoMembers;
import io.erlmcp.runtime.Json;
import io.erlmcp.runtime.protocol.LogLevel;
import io.erlmcp.runtime.protocol.ProtocolVersion;
import io.erlmcp.runtime.session.SessionState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.junit.jupiter.api.Test;

/**
 * A change a reader can see is acknowledged only once every reachable member holds its read copy
 * (so a read through another node right after the writer's node dies sees it), and a member that
 * answers nothing delays the acknowledgement by the write timeout at most.
 *
 * <p>Gossip is slowed to once an hour here: only the write itself can carry the copy to the other
 * member, so the check below fails if the publish were local.
 */
class ReplicatedReadCopiesReplicationTest {
  private static final String CONFIG =
      "pekko.cluster.distributed-data.gossip-interval = 1h\n"
          + "pekko.cluster.distributed-data.notify-subscribers-interval = 50ms\n"
          + "erlmcp.session.read-copy-write-timeout = 300ms\n";

  private static SessionState state(String id, String value) {
    return new SessionState(
        id,
        ProtocolVersion.V2025_11_25,
        Json.parseObject("{\"name\":\"c\",\"version\":\"1\"}"),
        Json.object(),
        true,
        LogLevel.INFO,
        Set.of(),
        Map.of("k", Json.NODES.textNode(value)),
        1,
        List.of(),
        Set.of(),
        100,
        false,
        1L);
  }

  /** What member {@code kit}'s replicator holds for the session now (not what it notified). */
  private static ReplicatedReadCopies.ReadCopy held(ActorTestKit kit, String sessionId)
      throws Exception {
    org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReplicatedReadCopies.ReadCopy>> key =
        ReplicatedReadCopies.key(sessionId);
    Replicator.GetResponse<LWWMap<String, ReplicatedReadCopies.ReadCopy>> r =
        AskPattern
            .<Replicator.Command, Replicator.GetResponse<LWWMap<String, ReplicatedReadCopies.ReadCopy>>>
                ask(
                    DistributedData.get(kit.system()).replicator(),
                    replyTo -> new Replicator.Get<>(key, Replicator.readLocal(), replyTo),
                    Duration.ofSeconds(5),
                    kit.system().scheduler())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    if (r instanceof Replicator.GetSuccess<LWWMap<String, ReplicatedReadCopies.ReadCopy>> ok) {
      return ok.get(key).getEntries().get(sessionId);
    }
    return null;
  }

  @Test
  void theAcknowledgementWaitsUntilTheOtherMemberHoldsTheCopy() throws Exception {
    try (TwoMembers m = TwoMembers.start("ReadCopyReplication", CONFIG)) {
      ReplicatedReadCopies onA = ReplicatedReadCopies.get(m.a.system());
      ReplicatedReadCopies onB = ReplicatedReadCopies.get(m.b.system());
      TwoMembers.await("a sees both members up", () -> onA.reachableMembers() == 2);
      // b's replicator starts with its ReplicatedReadCopies (just above); until it runs, what a
      // sends it is lost. Every erlmcp node starts its own at boot.
      TwoMembers.await(
          "b's replicator answers a",
          () -> {
            try {
              onA.publishToReachable("warm-up", 1, state("warm-up", "w"))
                  .toCompletableFuture()
                  .get(10, TimeUnit.SECONDS);
              return held(m.b, "warm-up") != null;
            } catch (Exception e) {
              throw new AssertionError(e);
            }
          });
      for (int i = 1; i <= 20; i++) {
        String id = "session-" + i;
        onA.publishToReachable(id, 10 + i, state(id, "v" + i))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        ReplicatedReadCopies.ReadCopy copy = held(m.b, id);
        assertNotNull(copy, "member b holds " + id + " when a's publish completes");
        assertEquals(10 + i, copy.revision());
        assertEquals("v" + i, copy.state().data().get("k").asText());
      }
      // And b's readers see it once its replicator notifies them.
      TwoMembers.await("b's read copy of session-20", () -> onB.lookup("session-20") != null);
      assertEquals("v20", onB.lookup("session-20").state().data().get("k").asText());
    }
  }

  @Test
  void aMemberThatAnswersNothingDelaysTheAcknowledgementByTheTimeoutAtMost() throws Exception {
    try (TwoMembers m = TwoMembers.start("ReadCopySilentMember", CONFIG)) {
      ReplicatedReadCopies onA = ReplicatedReadCopies.get(m.a.system());
      // b dies without leaving: a still counts it reachable until the failure detector says
      // otherwise, so the write waits for an answer that never comes.
      m.b.shutdownTestKit();
      long t0 = System.nanoTime();
      onA.publishToReachable("session-x", 5, state("session-x", "x"))
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertTrue(ms < 5_000, "completed after " + ms + " ms");
      ReplicatedReadCopies.ReadCopy local = held(m.a, "session-x");
      assertNotNull(local, "a holds its own copy whatever the others answer");
      assertEquals(5, local.revision());
    }
  }
}
