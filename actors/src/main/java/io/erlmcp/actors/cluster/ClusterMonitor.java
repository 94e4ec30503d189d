package io.erlmcp.actors.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Membership and reachability of this node's cluster (erlmcp_cluster), and the mode guard
 * (erlmcp_split_brain_detector): a node that cannot see a strict majority of the members it knows
 * switches itself to {@code read_only} before the Split Brain Resolver decides, and back to
 * {@code read_write} when the partition heals. The current view is published to an {@link
 * AtomicReference} that the edge reads without asking.
 */
public final class ClusterMonitor {
  private ClusterMonitor() {}

  public static Behavior<ClusterEvent.ClusterDomainEvent> create(AtomicReference<NodeStatus> out) {
    return Behaviors.setup(
        ctx -> {
          Cluster cluster = Cluster.get(ctx.getSystem());
          cluster
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf(), ClusterEvent.ClusterDomainEvent.class));
          return Behaviors.receive(ClusterEvent.ClusterDomainEvent.class)
              .onAnyMessage(
                  e -> {
                    NodeStatus before = out.get();
                    NodeStatus now = view(cluster);
                    out.set(now);
                    if (before == null || before.mode() != now.mode()) {
                      ctx.getLog()
                          .warn(
                              "node mode is now {} ({} members, unreachable {})",
                              now.mode().wireName(),
                              now.members().size(),
                              now.unreachable());
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  static NodeStatus view(Cluster cluster) {
    ClusterEvent.CurrentClusterState state = cluster.state();
    java.util.Set<Member> unreachable = new java.util.HashSet<>();
    state.getUnreachable().forEach(unreachable::add);
    List<Seen> seen = new ArrayList<>();
    for (Member m : state.getMembers()) {
      seen.add(new Seen(m.address().toString(), m.status(), !unreachable.contains(m)));
    }
    for (Member m : unreachable) {
      if (seen.stream().noneMatch(x -> x.address().equals(m.address().toString()))) {
        seen.add(new Seen(m.address().toString(), m.status(), false));
      }
    }
    return decide(
        cluster.selfMember().address().toString(),
        cluster.selfMember().status(),
        seen,
        state.getLeader() == null ? null : state.getLeader().toString());
  }

  /** A member as this node sees it. */
  record Seen(String address, MemberStatus status, boolean reachable) {}

  /**
   * The mode rule, on plain values. Only Up and Leaving members count towards the majority (a
   * joining node has no vote yet; a downed one has left). A node that sees a strict majority of the
   * counted members is read_write; one that sees half or fewer is read_only. A node that is itself
   * Down, Exiting or Removed is read_only whatever it sees: it is on its way out and its entities
   * are starting elsewhere.
   */
  static NodeStatus decide(String self, MemberStatus selfStatus, List<Seen> members, String leader) {
    List<String> listed = new ArrayList<>();
    List<String> unreachable = new ArrayList<>();
    int counted = 0;
    int reachable = 0;
    for (Seen m : members) {
      boolean votes = m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving();
      if (votes) {
        listed.add(m.address());
        counted++;
        if (m.reachable()) {
          reachable++;
        }
      }
      if (!m.reachable()) {
        unreachable.add(m.address());
      }
    }
    boolean majority = counted == 0 || reachable * 2 > counted;
    boolean leavingForGood =
        selfStatus == MemberStatus.down()
            || selfStatus == MemberStatus.exiting()
            || selfStatus == MemberStatus.removed();
    return new NodeStatus(
        majority && !leavingForGood ? NodeStatus.Mode.READ_WRITE : NodeStatus.Mode.READ_ONLY,
        selfStatus == MemberStatus.up(),
        self,
        listed,
        unreachable,
        leader);
  }
}
