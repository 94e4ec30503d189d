package io.erlmcp.actors.session;

import io.erlmcp.runtime.Stages;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import io.erlmcp.runtime.server.SessionPort;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * This node's way to its sessions, wherever sharding keeps them. The only place that asks the
 * session entities (an edge: the timeout comes from configuration and is translated here into a
 * JSON-RPC error). It keeps a bounded read copy of each session's state so calls that only read
 * the negotiated state do not wait for the entity; every acknowledged write refreshes the copy.
 *
 * <p>Writes are resent until acknowledged. A write whose entity lives on a node that just died
 * is lost with that node's shard region until the cluster removes the node and the shard starts
 * on a survivor. So each write carries an id, is sent again when an attempt got no answer within
 * {@code erlmcp.session.write-attempt-timeout}, and sent again at once shortly after any member
 * is removed, until {@code erlmcp.session.write-timeout} has passed. The entity records each
 * applied id with the command's events, in the same journal write, so a resend of a command that
 * was applied (its reply lost) is answered without being applied twice. A write therefore
 * succeeds as soon as its session is back, instead of after a full timeout.
 */
public final class SessionGateway {

  /** Error code when the session store did not answer in time. */
  public static final int STORE_UNAVAILABLE = -32603;

  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Duration firstReadTimeout;
  private final Map<String, Local> readCopies;
  private final ReplicatedReadCopies replicated;
  private final java.util.function.BooleanSupplier alone;
  private final Duration suspectFor;
  /** Sessions whose entity did not answer a read in time, until when its copy answers at once. */
  private final Map<String, Long> suspects = new java.util.concurrent.ConcurrentHashMap<>();

  /** Sends each write until it is answered (a node's death loses the write or its reply). */
  private final io.erlmcp.actors.cluster.Resender resender;

  /** A local read copy: the state and the entity's journal sequence number it reflects. */
  private record Local(long revision, SessionState state) {}

  public SessionGateway(ActorSystem<?> system, Duration askTimeout, int cacheLimit) {
    this(system, askTimeout, cacheLimit, () -> false);
  }

  /**
   * @param alone true while this node is the cluster's only member (its own read copies are then
   *     current: every write went through it)
   */
  public SessionGateway(
      ActorSystem<?> system,
      Duration askTimeout,
      int cacheLimit,
      java.util.function.BooleanSupplier alone) {
    this(system, askTimeout, cacheLimit, alone, system.settings().config().getConfig("erlmcp.session"));
  }

  /** As above, with the write settings from {@code session} (erlmcp.session's keys). */
  SessionGateway(
      ActorSystem<?> system,
      Duration askTimeout,
      int cacheLimit,
      java.util.function.BooleanSupplier alone,
      com.typesafe.config.Config session) {
    this.alone = alone;
    this.resender = io.erlmcp.actors.cluster.Resender.fromConfig(system, "session", session);
    this.suspectFor = system.settings().config().getDuration("erlmcp.session.suspect-for");
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.firstReadTimeout =
        system.settings().config().getDuration("erlmcp.session.first-read-timeout");
    this.replicated =
        ReplicatedReadCopies.enabled(system)
            ? ReplicatedReadCopies.get(system)
            : null;
    this.readCopies =
        new LinkedHashMap<>(1024, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Local> eldest) {
            return size() > cacheLimit;
          }
        };
  }

  /**
   * A member left the cluster: every write still waiting is sent again shortly (see {@link
   * io.erlmcp.actors.cluster.Resender}).
   */
  void memberRemoved(String address) {
    resender.memberRemoved(address);
  }

  /** How many write attempts were resends (a timeout or a member's removal), since start. */
  public long resends() {
    return resender.resends();
  }

  private EntityRef<SessionEntity.Command> entity(String sessionId) {
    return sharding.entityRefFor(SessionEntity.ENTITY_KEY, sessionId);
  }

  /**
   * Runs a command on the session; completes with the new state once it is durable, or fails
   * with a {@link JsonRpcException} (refused, or the store did not answer).
   */
  public CompletionStage<SessionState> execute(String sessionId, SessionCommand command) {
    return write(sessionId, command).thenApply(SessionEntity.Reply::state);
  }

  /**
   * Appends to one of the session's streams; completes with the id (sequence number) of the
   * first appended event once the events are durable.
   */
  public CompletionStage<Long> append(String sessionId, SessionCommand.AppendToStream command) {
    return write(sessionId, command).thenApply(SessionEntity.Reply::firstSeq);
  }

  private CompletableFuture<SessionEntity.Reply> write(String sessionId, SessionCommand command) {
    String commandId = resender.nextCommandId();
    return resender
        .send(
            sessionId,
            commandId,
            timeout ->
                Stages.direct(
                    entity(sessionId)
                        .<SessionEntity.Reply>ask(
                            replyTo -> new SessionEntity.Execute(command, replyTo, commandId),
                            timeout)),
            SessionEntity.Reply::duplicate)
        .handle(
        (reply, err) -> {
          if (err != null) {
            throw translate(err);
          }
          if (!reply.accepted()) {
            throw new JsonRpcException(reply.error());
          }
          remember(sessionId, reply.revision(), reply.state());
          return reply;
        });
  }

  /**
   * The session's state, for a request of the session.
   *
   * <p>On a node that is the cluster's only member every write went through this gateway, so its
   * own copy is current and answers at once. With other members, a write may have gone through
   * another node (a load balancer without stickiness), so the entity is asked first, with a short
   * deadline ({@code erlmcp.session.first-read-timeout}): a client reads its own writes whichever
   * node it reaches. When the entity does not answer in time (its node died and is not yet
   * downed, or it is recovering) the newest read copy answers (this node's, or the replicated
   * one), and for {@code erlmcp.session.suspect-for} the copy answers at once, so reads do not
   * wait for the failure detector. With no copy at all, the entity is asked with the full
   * deadline.
   */
  public CompletionStage<SessionState> get(String sessionId) {
    Local local;
    synchronized (readCopies) {
      local = readCopies.get(sessionId);
    }
    if (local != null && (alone.getAsBoolean() || suspected(sessionId))) {
      return CompletableFuture.completedFuture(cached(sessionId));
    }
    ReplicatedReadCopies.ReadCopy r = replicated == null ? null : replicated.lookup(sessionId);
    if (local == null && r == null) {
      return fresh(sessionId);
    }
    return fresh(sessionId, firstReadTimeout)
        .handle(
            (state, err) -> {
              if (err == null && state.exists()) {
                suspects.remove(sessionId);
                return cached(sessionId);
              }
              if (err == null) {
                return state; // the entity says there is no such session
              }
              suspects.put(sessionId, System.nanoTime() + suspectFor.toNanos());
              if (r != null) {
                // Keep it as this node's copy; the first acknowledged write replaces it.
                remember(sessionId, r.revision(), r.state());
              }
              return cached(sessionId);
            });
  }

  private boolean suspected(String sessionId) {
    Long until = suspects.get(sessionId);
    if (until == null) {
      return false;
    }
    if (System.nanoTime() - until > 0) {
      suspects.remove(sessionId, until);
      return false;
    }
    return true;
  }

  /** The state asked of the entity, bypassing the read copy. */
  public CompletionStage<SessionState> fresh(String sessionId) {
    return fresh(sessionId, askTimeout);
  }

  private CompletionStage<SessionState> fresh(String sessionId, Duration timeout) {
    return Stages.direct(
            entity(sessionId)
                .<SessionEntity.Reply>ask(SessionEntity.GetWithRevision::new, timeout))
        .handle(
            (reply, err) -> {
              if (err != null) {
                throw translate(err);
              }
              SessionState state = reply.state();
              if (state.exists()) {
                remember(sessionId, reply.revision(), state);
              }
              return state;
            });
  }

  /**
   * The newest read copy this node has: its own (from replies it received) or the replicated one
   * (published by the entity, wherever it runs), whichever reflects the later journal write.
   */
  public SessionState cached(String sessionId) {
    Local local;
    synchronized (readCopies) {
      local = readCopies.get(sessionId);
    }
    ReplicatedReadCopies.ReadCopy r = replicated == null ? null : replicated.lookup(sessionId);
    if (r == null) {
      return local == null ? null : local.state();
    }
    if (local == null || r.revision() > local.revision()) {
      return r.state();
    }
    return local.state();
  }

  public void forget(String sessionId) {
    synchronized (readCopies) {
      readCopies.remove(sessionId);
    }
  }

  private void remember(String sessionId, long revision, SessionState state) {
    synchronized (readCopies) {
      Local prev = readCopies.get(sessionId);
      // Replies can arrive out of order; keep the newest (journal and stream sequence only grow).
      if (prev == null
          || prev.revision() < revision
          || (prev.revision() == revision && prev.state().nextSeq() <= state.nextSeq())) {
        readCopies.put(sessionId, new Local(Math.max(revision, prev == null ? 0 : prev.revision()), state));
      }
    }
  }

  /** A {@link SessionPort} for the runtime's dispatcher, bound to one session. */
  public SessionPort port(String sessionId) {
    return new SessionPort() {
      @Override
      public SessionState state() {
        SessionState s = cached(sessionId);
        if (s == null) {
          throw new JsonRpcException(
              JsonRpcError.of(io.erlmcp.runtime.session.SessionMachine.SESSION_NOT_FOUND, "Session not found"));
        }
        return s;
      }

      @Override
      public CompletionStage<SessionState> execute(SessionCommand command) {
        return SessionGateway.this.execute(sessionId, command);
      }
    };
  }

  private static RuntimeException translate(Throwable err) {
    Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (cause instanceof JsonRpcException j) {
      return j;
    }
    if (cause instanceof TimeoutException) {
      return new JsonRpcException(
          JsonRpcError.of(STORE_UNAVAILABLE, "Session store did not answer in time"), cause);
    }
    return new JsonRpcException(
        JsonRpcError.of(STORE_UNAVAILABLE, "Session store unavailable"), cause);
  }
}
