package io.erlmcp.actors.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.erlmcp.actors.cluster.ClusterMonitor.Seen;
import java.util.List;
import org.apache.pekko.cluster.MemberStatus;
import org.junit.jupiter.api.Test;

class ClusterMonitorTest {
  private static final String A = "pekko://erlmcp@10.0.0.1:25520";
  private static final String B = "pekko://erlmcp@10.0.0.2:25520";
  private static final String C = "pekko://erlmcp@10.0.0.3:25520";

  private static Seen up(String a, boolean reachable) {
    return new Seen(a, MemberStatus.up(), reachable);
  }

  @Test
  void aNodeThatSeesAStrictMajorityWrites() {
    NodeStatus s = ClusterMonitor.decide(A, MemberStatus.up(), List.of(up(A, true), up(B, true), up(C, false)), A);
    assertEquals(NodeStatus.Mode.READ_WRITE, s.mode());
    assertEquals(List.of(A, B, C), s.members());
    assertEquals(List.of(C), s.unreachable());
    assertTrue(s.selfUp());
  }

  @Test
  void aNodeThatSeesHalfOrLessFreezesWrites() {
    assertEquals(
        NodeStatus.Mode.READ_ONLY,
        ClusterMonitor.decide(A, MemberStatus.up(), List.of(up(A, true), up(B, false), up(C, false)), A).mode());
    // 2 of 4 is not a majority either.
    assertEquals(
        NodeStatus.Mode.READ_ONLY,
        ClusterMonitor.decide(
                A,
                MemberStatus.up(),
                List.of(up(A, true), up(B, true), up(C, false), up("pekko://erlmcp@10.0.0.4:25520", false)),
                A)
            .mode());
  }

  @Test
  void aDownedMemberNoLongerVotesOrIsListed() {
    NodeStatus s =
        ClusterMonitor.decide(
            A, MemberStatus.up(), List.of(up(A, true), up(B, true), new Seen(C, MemberStatus.down(), false)), A);
    assertEquals(NodeStatus.Mode.READ_WRITE, s.mode());
    assertEquals(List.of(A, B), s.members());
    assertEquals(List.of(C), s.unreachable(), "still listed unreachable until the leader removes it");
  }

  @Test
  void aNodeThatIsItselfDownOrExitingIsReadOnlyWhateverItSees() {
    for (MemberStatus self : List.of(MemberStatus.down(), MemberStatus.exiting(), MemberStatus.removed())) {
      NodeStatus s = ClusterMonitor.decide(A, self, List.of(new Seen(A, self, true), up(B, true), up(C, true)), B);
      assertEquals(NodeStatus.Mode.READ_ONLY, s.mode(), self.toString());
      assertFalse(s.selfUp());
    }
  }

  @Test
  void aGracefullyLeavingNodeStillWritesAndANodeAloneBeforeJoiningToo() {
    assertEquals(
        NodeStatus.Mode.READ_WRITE,
        ClusterMonitor.decide(
                A, MemberStatus.leaving(), List.of(new Seen(A, MemberStatus.leaving(), true), up(B, true), up(C, true)), B)
            .mode());
    assertEquals(NodeStatus.Mode.READ_WRITE, ClusterMonitor.decide(A, MemberStatus.joining(), List.of(), null).mode());
  }
}
