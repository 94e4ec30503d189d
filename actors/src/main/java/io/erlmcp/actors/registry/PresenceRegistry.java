package io.erlmcp.actors.registry;

import io.erlmcp.actors.CborSerializable;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Which clients are connected to which node (the presence half of erlmcp_registry), replicated
 * with Distributed Data so every node can tell the whole cluster's clients.
 *
 * <p>The transports record connects and disconnects in the node's {@link ConnectedClients} table
 * (no message per request). Every {@code flush-interval} this actor compares the table's change
 * counter with the one it last published and, only if it moved, writes the node's summary
 * ({@link NodeClients}: exact counts per transport, and at most {@code max-listed-per-node}
 * sessions with client name and version) as the node's entry in one {@code LWWMap}
 * ({@code erlmcp-presence}, keyed by the node's unique address, {@code WriteLocal}, gossip). So a
 * burst of connects costs one update per interval, and each node writes only its own key (no
 * concurrent writers, so last-writer-wins loses nothing).
 *
 * <p>Every node subscribes and publishes the union as a {@link ClusterClients} view that {@code
 * /status} and the metrics read. A member that is downed or removed has its entry removed by each
 * survivor; an entry of such a member that reappears (its last write crossing the removal, which
 * the map's add-wins merge keeps) is removed again when seen.
 */
public final class PresenceRegistry extends AbstractBehavior<PresenceRegistry.Command> {

  static final Key<LWWMap<String, NodeClients>> KEY = LWWMapKey.create("erlmcp-presence");

  /** Members downed or removed that this node remembers, to prune entries that reappear. */
  static final int GONE_REMEMBERED = 256;

  /** One connected client, as it crosses nodes. {@code name}/{@code version} may be null. */
  public record Client(
      String sessionId, String transport, String name, String version, long connectedAt)
      implements CborSerializable {}

  /**
   * One node's clients: {@code total} and {@code byTransport} are exact; {@code listed} holds at
   * most {@code max-listed-per-node} of them (the oldest connected).
   */
  public record NodeClients(
      String node, int total, Map<String, Integer> byTransport, List<Client> listed)
      implements CborSerializable {
    public NodeClients {
      byTransport = Map.copyOf(byTransport);
      listed = List.copyOf(listed);
    }
  }

  /** How often the table is compared and published, and its bounds. */
  public record Settings(Duration flushInterval, Duration httpIdleTimeout, int maxListedPerNode) {
    public static Settings from(com.typesafe.config.Config presence) {
      return new Settings(
          presence.getDuration("flush-interval"),
          presence.getDuration("http-idle-timeout"),
          presence.getInt("max-listed-per-node"));
    }
  }

  /** Messages of the registry: all local (the entries travel in Distributed Data). */
  public sealed interface Command {}

  private enum Flush implements Command {
    INSTANCE
  }

  private record EntriesChanged(Map<String, NodeClients> entries) implements Command {}

  private record MemberGone(String uniqueAddress) implements Command {}

  private enum Ignored implements Command {
    INSTANCE
  }

  /**
   * The registry of this node: publishes {@code local} and writes the cluster's view to {@code
   * view}.
   */
  public static Behavior<Command> create(
      ConnectedClients local, AtomicReference<ClusterClients> view, Settings settings) {
    return Behaviors.setup(
        ctx ->
            Behaviors.withTimers(
                timers -> new PresenceRegistry(ctx, timers, local, view, settings)));
  }

  private final ConnectedClients local;
  private final AtomicReference<ClusterClients> view;
  private final Settings settings;
  private final SelfUniqueAddress selfNode;
  private final String self;
  private final String selfAddress;
  private final ActorRef<Replicator.Command> replicator;
  private final ActorRef<Replicator.UpdateResponse<LWWMap<String, NodeClients>>> ignore;
  private final Set<String> gone = new LinkedHashSet<>();
  /** The table's change counter at the last publish; -1: publish at the next flush. */
  private long published = -1;

  private PresenceRegistry(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      ConnectedClients local,
      AtomicReference<ClusterClients> view,
      Settings settings) {
    super(ctx);
    this.local = local;
    this.view = view;
    this.settings = settings;
    DistributedData dd = DistributedData.get(ctx.getSystem());
    this.selfNode = dd.selfUniqueAddress();
    this.self = selfNode.uniqueAddress().toString();
    this.selfAddress = selfNode.uniqueAddress().address().toString();
    this.replicator = dd.replicator();
    this.ignore = ctx.getSystem().ignoreRef();
    @SuppressWarnings({"unchecked", "rawtypes"})
    ActorRef<Replicator.SubscribeResponse<LWWMap<String, NodeClients>>> changes =
        (ActorRef)
            ctx.messageAdapter(
                Replicator.SubscribeResponse.class,
                r -> r instanceof Replicator.Changed<?> c ? changed(c) : Ignored.INSTANCE);
    replicator.tell(new Replicator.Subscribe<>(KEY, changes));
    Cluster cluster = Cluster.get(ctx.getSystem());
    ActorRef<ClusterEvent.MemberRemoved> removed =
        ctx.messageAdapter(
            ClusterEvent.MemberRemoved.class,
            e -> new MemberGone(e.member().uniqueAddress().toString()));
    cluster.subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
    ActorRef<ClusterEvent.MemberDowned> downed =
        ctx.messageAdapter(
            ClusterEvent.MemberDowned.class,
            e -> new MemberGone(e.member().uniqueAddress().toString()));
    cluster.subscriptions().tell(Subscribe.create(downed, ClusterEvent.MemberDowned.class));
    timers.startTimerWithFixedDelay(Flush.INSTANCE, settings.flushInterval());
  }

  @SuppressWarnings("unchecked")
  private static Command changed(Replicator.Changed<?> c) {
    return new EntriesChanged(
        Map.copyOf(((LWWMap<String, NodeClients>) c.dataValue()).getEntries()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessageEquals(Flush.INSTANCE, this::onFlush)
        .onMessage(EntriesChanged.class, this::onEntriesChanged)
        .onMessage(MemberGone.class, this::onMemberGone)
        .onMessageEquals(Ignored.INSTANCE, () -> this)
        .build();
  }

  /** Expires idle HTTP sessions, then publishes this node's entry if the table changed. */
  private Behavior<Command> onFlush() {
    local.expireIdle(System.currentTimeMillis() - settings.httpIdleTimeout().toMillis());
    long version = local.version(); // read before the summary: a change after it flushes next
    if (version != published) {
      NodeClients mine = local.summary(selfAddress, settings.maxListedPerNode());
      update(m -> m.put(selfNode, self, mine));
      published = version;
    }
    return this;
  }

  private Behavior<Command> onEntriesChanged(EntriesChanged m) {
    Map<String, NodeClients> entries = new TreeMap<>(m.entries());
    for (String node : gone) {
      if (entries.remove(node) != null) {
        remove(node);
      }
    }
    if (!entries.containsKey(self) && published != -1) {
      published = -1; // our entry was lost (pruned by mistake): write it again
    }
    view.set(ClusterClients.of(selfAddress, entries.values()));
    return this;
  }

  private Behavior<Command> onMemberGone(MemberGone m) {
    if (m.uniqueAddress().equals(self)) {
      return this;
    }
    gone.add(m.uniqueAddress());
    if (gone.size() > GONE_REMEMBERED) {
      Iterator<String> oldest = gone.iterator();
      oldest.next();
      oldest.remove();
    }
    remove(m.uniqueAddress());
    return this;
  }

  private void remove(String node) {
    update(map -> map.contains(node) ? map.remove(selfNode, node) : map);
  }

  private void update(
      java.util.function.Function<LWWMap<String, NodeClients>, LWWMap<String, NodeClients>> f) {
    replicator.tell(
        new Replicator.Update<>(
            KEY, LWWMap.<String, NodeClients>create(), Replicator.writeLocal(), ignore, f));
  }
}
