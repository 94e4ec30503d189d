package io.erlmcp.actors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Two cluster members in one JVM (Artery on loopback, random ports), joined and both Up. */
public final class TwoMembers implements AutoCloseable {
  public final ActorTestKit a;
  public final ActorTestKit b;

  private TwoMembers(ActorTestKit a, ActorTestKit b) {
    this.a = a;
    this.b = b;
  }

  public static Config config(String extra) {
    return ConfigFactory.parseString(
            "pekko.actor.provider = cluster\n"
                + "pekko.remote.artery.canonical.port = 0\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                + extra)
        .withFallback(ConfigFactory.load());
  }

  /** Starts both members of system {@code name}, b joining a; fails if not both Up in 30 s. */
  public static TwoMembers start(String name, String extraConfig) throws InterruptedException {
    ActorTestKit a = ActorTestKit.create(name, config(extraConfig));
    ActorTestKit b = ActorTestKit.create(name, config(extraConfig));
    Cluster ca = Cluster.get(a.system());
    Cluster cb = Cluster.get(b.system());
    ca.manager().tell(Join.create(ca.selfMember().address()));
    cb.manager().tell(Join.create(ca.selfMember().address()));
    long deadline = System.currentTimeMillis() + 30_000;
    while (!(cb.selfMember().status() == MemberStatus.up()
        && ca.state().getMembers().spliterator().estimateSize() == 2)) {
      assertTrue(System.currentTimeMillis() < deadline, "cluster of two did not form");
      Thread.sleep(100);
    }
    return new TwoMembers(a, b);
  }

  /**
   * One member that joins itself (a cluster of one) with the in-memory journal and no snapshot
   * store; fails if it is not Up in 30 s.
   */
  public static ActorTestKit single(String name, String extraConfig) throws InterruptedException {
    ActorTestKit kit =
        ActorTestKit.create(
            name,
            config(
                "pekko.persistence.journal.plugin = \"pekko.persistence.journal.inmem\"\n"
                    + "pekko.persistence.snapshot-store.plugin = \"\"\n"
                    + extraConfig));
    Cluster c = Cluster.get(kit.system());
    c.manager().tell(Join.create(c.selfMember().address()));
    await("cluster of one did not form", () -> c.selfMember().status() == MemberStatus.up());
    return kit;
  }

  /** Waits (30 s at most) until {@code cond} holds, else fails with {@code what}. */
  public static void await(String what, java.util.function.BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!cond.getAsBoolean()) {
      assertTrue(System.currentTimeMillis() < deadline, what);
      Thread.sleep(50);
    }
  }

  /** Shuts both members down (b first); a member a test already shut down is left as it is. */
  @Override
  public void close() {
    for (ActorTestKit kit : new ActorTestKit[] {b, a}) {
      if (!kit.system().whenTerminated().isCompleted()) {
        kit.shutdownTestKit();
      }
    }
  }
}
