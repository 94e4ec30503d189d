package io.erlmcp.actors.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.session.SessionState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.LWWMap;
import org.apache.pekko.cluster.ddata.LWWMapKey;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;

/**
 * The cluster-wide read copy of every live session's negotiated state, in Pekko Distributed Data.
 *
 * <p>The session entity (the only writer of a session) publishes a compact copy after each
 * change a reader can see, and acknowledges the change only once every reachable member holds the
 * copy ({@link #publishToReachable}: {@code WriteTo(n)} with n the reachable members, bounded by
 * {@code erlmcp.session.read-copy-write-timeout}). So a client that reads its own acknowledged
 * write through another node while the entity's node is dead sees it. Every node subscribes and
 * keeps the latest maps in memory, so {@link SessionGateway#cached} answers on a node that never
 * saw the session, and still answers while the node holding the entity is dead and not yet
 * downed. A recovered entity republishes its state (for a node whose copy missed a change).
 *
 * <p>Compact: the SSE buffer and closed streams are dropped (resumption reads the journal through
 * the entity). Session data rides along while its total size is at most {@code maxDataChars};
 * above that the copy is marked partial and is not used (those reads go to the entity).
 *
 * <p>Bounded: the sessions are spread over {@link #BUCKETS} LWWMaps (so one map stays well under
 * Artery's frame size in full-state gossip), each holding at most {@code limit / BUCKETS}
 * sessions; past that the oldest-created session of the bucket is evicted. An ended session is
 * removed. The LWW clock is the entity's journal sequence number, so the newest acknowledged state
 * wins even across a move of the entity to another node.
 */
public final class ReplicatedReadCopies {
  public static final int BUCKETS = 1024;
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ReplicatedReadCopies.class);

  /** One session's copy: the entity's journal sequence number and its compact state. */
  public record ReadCopy(long revision, boolean partial, SessionState state)
      implements CborSerializable {}

  private static final List<org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>>> KEYS = keys();

  private final ActorRef<Replicator.Command> replicator;
  private final SelfUniqueAddress self;
  private final ActorRef<Replicator.UpdateResponse<LWWMap<String, ReadCopy>>> ignore;
  private final int perBucket;
  private final int maxDataChars;
  private final Duration writeTimeout;
  private final ActorSystem<?> system;
  private final org.apache.pekko.cluster.typed.Cluster cluster;
  private final AtomicReferenceArray<Map<String, ReadCopy>> maps =
      new AtomicReferenceArray<>(BUCKETS);

  private static List<org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>>> keys() {
    java.util.ArrayList<org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>>> out = new java.util.ArrayList<>();
    for (int i = 0; i < BUCKETS; i++) {
      out.add(LWWMapKey.create("erlmcp-session-read-copy-" + i));
    }
    return List.copyOf(out);
  }

  private static final java.util.concurrent.ConcurrentHashMap<ActorSystem<?>, ReplicatedReadCopies>
      BY_SYSTEM = new java.util.concurrent.ConcurrentHashMap<>();

  /** Whether this node replicates read copies: configured on, and a cluster actor provider. */
  public static boolean enabled(ActorSystem<?> system) {
    com.typesafe.config.Config c = system.settings().config();
    return c.getBoolean("erlmcp.session.replicate-read-copy")
        && c.getString("pekko.actor.provider").toLowerCase(java.util.Locale.ROOT).contains("cluster");
  }

  /** This node's instance (created on first use, subscribed to every bucket). */
  public static ReplicatedReadCopies get(ActorSystem<?> system) {
    return BY_SYSTEM.computeIfAbsent(
        system,
        s -> {
          com.typesafe.config.Config c = s.settings().config().getConfig("erlmcp.session");
          ReplicatedReadCopies r =
              new ReplicatedReadCopies(
                  s,
                  c.getInt("replicated-read-copy-limit"),
                  c.getInt("replicated-read-copy-max-data-chars"),
                  c.getDuration("read-copy-write-timeout"));
          s.getWhenTerminated().thenRun(() -> BY_SYSTEM.remove(s));
          return r;
        });
  }

  private ReplicatedReadCopies(
      ActorSystem<?> system, int limit, int maxDataChars, Duration writeTimeout) {
    this.system = system;
    this.cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
    this.writeTimeout = writeTimeout;
    DistributedData dd = DistributedData.get(system);
    this.replicator = dd.replicator();
    this.self = dd.selfUniqueAddress();
    this.ignore = system.ignoreRef();
    this.perBucket = Math.max(1, (limit + BUCKETS - 1) / BUCKETS);
    this.maxDataChars = maxDataChars;
    for (int i = 0; i < BUCKETS; i++) {
      maps.set(i, Map.of());
    }
    ActorRef<Replicator.SubscribeResponse<LWWMap<String, ReadCopy>>> subscriber =
        system.systemActorOf(subscriber(), "erlmcp-read-copies", Props.empty());
    for (org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>> k : KEYS) {
      replicator.tell(new Replicator.Subscribe<>(k, subscriber));
    }
  }

  private Behavior<Replicator.SubscribeResponse<LWWMap<String, ReadCopy>>> subscriber() {
    return Behaviors.receive((ctx, msg) -> {
      if (msg instanceof Replicator.Changed<LWWMap<String, ReadCopy>> changed) {
        int i = KEYS.indexOf(changed.key());
        if (i >= 0) {
          maps.set(i, Map.copyOf(changed.dataValue().getEntries()));
        }
      }
      return Behaviors.same();
    });
  }

  static int bucket(String sessionId) {
    return Math.floorMod(sessionId.hashCode(), BUCKETS);
  }

  /** The replicated copy of a session, or null (none, or only a partial one). */
  public ReadCopy lookup(String sessionId) {
    ReadCopy c = maps.get(bucket(sessionId)).get(sessionId);
    return c == null || c.partial() ? null : c;
  }

  /** Publishes a session's state on this node (WriteLocal; gossip spreads it). */
  public void publish(String sessionId, long revision, SessionState state) {
    ReadCopy copy = state.isActive() ? compact(revision, state, maxDataChars) : null;
    replicator.tell(update(sessionId, copy, Replicator.writeLocal(), ignore));
  }

  /**
   * Publishes a session's state to every member this node can reach now; completes when they
   * all hold it, or after {@code read-copy-write-timeout} (a member that just died and is not yet
   * marked unreachable answers nothing: then gossip spreads the copy, as for {@link #publish}).
   * Never completes exceptionally. Alone in the cluster, completes at once.
   */
  public CompletionStage<Void> publishToReachable(
      String sessionId, long revision, SessionState state) {
    ReadCopy copy = state.isActive() ? compact(revision, state, maxDataChars) : null;
    int reachable = reachableMembers();
    if (reachable <= 1 || (copy != null && copy.partial())) {
      // Alone, nobody else needs it; a partial copy is never read (its reads go to the entity).
      replicator.tell(update(sessionId, copy, Replicator.writeLocal(), ignore));
      return CompletableFuture.completedFuture(null);
    }
    Replicator.WriteConsistency consistency = new Replicator.WriteTo(reachable, writeTimeout);
    return AskPattern.<Replicator.Command, Replicator.UpdateResponse<LWWMap<String, ReadCopy>>>ask(
            replicator,
            replyTo -> update(sessionId, copy, consistency, replyTo),
            writeTimeout.plusSeconds(1),
            system.scheduler())
        .handle(
            (r, e) -> {
              if (!(r instanceof Replicator.UpdateSuccess)) {
                log.debug(
                    "read copy of session {} not confirmed by {} members: {}",
                    sessionId,
                    reachable,
                    e != null ? e.toString() : r);
              }
              return (Void) null;
            });
  }

  /** Members that are up (or weakly up) and reachable from here, this node included. */
  int reachableMembers() {
    org.apache.pekko.cluster.ClusterEvent.CurrentClusterState st = cluster.state();
    java.util.Set<org.apache.pekko.cluster.Member> unreachable = st.getUnreachable();
    int n = 0;
    for (org.apache.pekko.cluster.Member m : st.getMembers()) {
      org.apache.pekko.cluster.MemberStatus ms = m.status();
      if ((ms == org.apache.pekko.cluster.MemberStatus.up()
              || ms == org.apache.pekko.cluster.MemberStatus.weaklyUp())
          && !unreachable.contains(m)) {
        n++;
      }
    }
    return n;
  }

  /** The replicated map that holds the session's copy. */
  static org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>> key(String sessionId) {
    return KEYS.get(bucket(sessionId));
  }

  /** Puts {@code copy} in its map, or removes the session's entry when it is null (ended). */
  private Replicator.Update<LWWMap<String, ReadCopy>> update(
      String sessionId,
      ReadCopy copy,
      Replicator.WriteConsistency consistency,
      ActorRef<Replicator.UpdateResponse<LWWMap<String, ReadCopy>>> replyTo) {
    org.apache.pekko.cluster.ddata.Key<LWWMap<String, ReadCopy>> key = key(sessionId);
    if (copy == null) {
      return new Replicator.Update<>(
          key,
          LWWMap.<String, ReadCopy>create(),
          consistency,
          replyTo,
          m -> m.contains(sessionId) ? m.remove(self, sessionId) : m);
    }
    LWWRegister.Clock<ReadCopy> clock = (current, value) -> value.revision();
    return new Replicator.Update<>(
            key,
            LWWMap.<String, ReadCopy>create(),
            consistency,
            replyTo,
            m -> {
              LWWMap<String, ReadCopy> out = m;
              if (!out.contains(sessionId) && out.size() >= perBucket) {
                String oldest = null;
                long oldestAt = Long.MAX_VALUE;
                for (Map.Entry<String, ReadCopy> e : out.getEntries().entrySet()) {
                  long at = e.getValue().state().createdAtMillis();
                  if (at < oldestAt) {
                    oldestAt = at;
                    oldest = e.getKey();
                  }
                }
                if (oldest != null) {
                  out = out.remove(self, oldest);
                }
              }
              return out.put(self, sessionId, copy, clock);
            });
  }

  /** Whether a reader of the read copy sees a difference (stream events alone are invisible). */
  static boolean readersSeeADifference(SessionState a, SessionState b) {
    return !java.util.Objects.equals(a.sessionId(), b.sessionId())
        || a.protocolVersion() != b.protocolVersion()
        || !java.util.Objects.equals(a.clientInfo(), b.clientInfo())
        || !java.util.Objects.equals(a.clientCapabilities(), b.clientCapabilities())
        || a.clientReady() != b.clientReady()
        || a.logLevel() != b.logLevel()
        || !a.subscriptions().equals(b.subscriptions())
        || !a.data().equals(b.data())
        || a.ended() != b.ended();
  }

  /** The compact copy: no stream buffer, no closed streams; data only while it is small. */
  static ReadCopy compact(long revision, SessionState s, int maxDataChars) {
    long chars = 0;
    for (Map.Entry<String, JsonNode> e : s.data().entrySet()) {
      chars += e.getKey().length() + e.getValue().toString().length();
    }
    boolean partial = chars > maxDataChars;
    SessionState c =
        new SessionState(
            s.sessionId(),
            s.protocolVersion(),
            s.clientInfo(),
            s.clientCapabilities(),
            s.clientReady(),
            s.logLevel(),
            s.subscriptions(),
            partial ? Map.of() : s.data(),
            s.nextSeq(),
            List.of(),
            java.util.Set.of(),
            s.bufferLimit(),
            s.ended(),
            s.createdAtMillis());
    return new ReadCopy(revision, partial, c);
  }
}
