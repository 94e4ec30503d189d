package io.erlmcp.actors.task;

import io.erlmcp.runtime.tasks.Tasks;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Which nodes may still run task handlers: the members of this node's cluster view, by unique
 * address (host, port and incarnation: a node restarted on the same port is another process).
 * A member that is down or removed, or absent, runs nothing; an unreachable member that is not
 * yet downed counts as alive until the split brain resolver decides.
 */
public final class ClusterLiveness implements Tasks.Liveness {
  private final Cluster cluster;
  private final String self;

  public ClusterLiveness(ActorSystem<?> system) {
    this.cluster = Cluster.get(system);
    this.self = cluster.selfMember().uniqueAddress().toString();
  }

  @Override
  public String self() {
    return self;
  }

  @Override
  public boolean isAlive(String runner) {
    if (self.equals(runner)) {
      return true;
    }
    for (Member m : cluster.state().getMembers()) {
      if (m.uniqueAddress().toString().equals(runner)) {
        return m.status() != MemberStatus.down() && m.status() != MemberStatus.removed();
      }
    }
    return false;
  }
}
