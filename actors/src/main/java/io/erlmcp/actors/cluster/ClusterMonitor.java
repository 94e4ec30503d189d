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
    List<String> members = new ArrayList<>();
    int counted = 0;
    for (Member m : state.getMembers()) {
      if (m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving()) {
        members.add(m.address().toString());
        counted++;
      }
    }
    List<String> unreachable = new ArrayList<>();
    for (Member m : state.getUnreachable()) {
      unreachable.add(m.address().toString());
    }
    int reachable = counted - (int) state.getUnreachable().stream()
        .filter(m -> m.status() == MemberStatus.up() || m.status() == MemberStatus.leaving())
        .count();
    boolean majority = counted == 0 || reachable * 2 > counted;
    boolean selfUp = cluster.selfMember().status() == MemberStatus.up();
    return new NodeStatus(
        majority ? NodeStatus.Mode.READ_WRITE : NodeStatus.Mode.READ_ONLY,
        selfUp,
        cluster.selfMember().address().toString(),
        members,
        unreachable,
        state.getLeader() == null ? null : state.getLeader().toString());
  }
}
