package io.erlmcp.actors.cluster;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a write to a sharded entity until it is answered or its time is up: the edge's half of
 * "nothing acknowledged lost, nothing applied twice" when the entity's node dies.
 *
 * <p>A write whose node died is lost with it (the message, or the reply). So an unanswered
 * attempt is sent again after {@code attemptTimeout}, and every pending write is sent again
 * {@code resendAfterRemoval} after any member is removed from the cluster (its shards then start
 * elsewhere), until {@code writeTimeout} has passed since the first attempt. Every attempt carries
 * the same command id ({@link #nextCommandId}); the entity records the ids it applied in the same
 * journal write as the command's events, so a resend of a command that was applied (its reply lost
 * with the node) is answered from that record, not applied again.
 *
 * <p>Only a timeout leads to another attempt; any other failure (a refusal) ends the write.
 */
public final class Resender {
  private static final Logger LOG = LoggerFactory.getLogger(Resender.class);
  private static final AtomicLong INSTANCES = new AtomicLong();

  private final ActorSystem<?> system;
  private final String what;
  private final Duration writeTimeout;
  private final Duration attemptTimeout;
  private final Duration resendAfterRemoval;
  private final Set<Write<?>> pending = ConcurrentHashMap.newKeySet();
  /** Unique per resender: command ids are this prefix and a counter. */
  private final String commandPrefix =
      Long.toString(new java.security.SecureRandom().nextLong() & Long.MAX_VALUE, 36) + "-";
  private final AtomicLong commandCounter = new AtomicLong();
  private final AtomicLong resends = new AtomicLong();

  /**
   * @param what the kind of entity written, for log lines ("session", "task")
   */
  public Resender(
      ActorSystem<?> system,
      String what,
      Duration writeTimeout,
      Duration attemptTimeout,
      Duration resendAfterRemoval) {
    this.system = system;
    this.what = what;
    this.writeTimeout = writeTimeout;
    this.attemptTimeout = attemptTimeout;
    this.resendAfterRemoval = resendAfterRemoval;
    system.systemActorOf(
        removals(this),
        "erlmcp-" + what + "-resends-" + INSTANCES.incrementAndGet(),
        Props.empty());
  }

  /** With the write settings of {@code erlmcp.session} (write-timeout and its neighbours). */
  public static Resender fromConfig(
      ActorSystem<?> system, String what, com.typesafe.config.Config session) {
    return new Resender(
        system,
        what,
        session.getDuration("write-timeout"),
        session.getDuration("write-attempt-timeout"),
        session.getDuration("resend-after-removal"));
  }

  /** A new id, unique to this resender (and so to this node), for one write's attempts. */
  public String nextCommandId() {
    return commandPrefix + commandCounter.incrementAndGet();
  }

  /** How many attempts were resends (a timeout or a member's removal), since start. */
  public long resends() {
    return resends.get();
  }

  /**
   * Sends one write until it is answered or {@code writeTimeout} passes (then it fails with a
   * {@link TimeoutException}).
   *
   * @param entityId for the log line of a resent write
   * @param commandId what every attempt carries (from {@link #nextCommandId})
   * @param attempt sends one attempt that fails with a {@link TimeoutException} after the given
   *     time (an ask)
   * @param duplicate whether an answer says the command had already been applied
   */
  public <R> CompletableFuture<R> send(
      String entityId,
      String commandId,
      Function<Duration, CompletionStage<R>> attempt,
      Predicate<R> duplicate) {
    Write<R> w = new Write<>(entityId, commandId, attempt, duplicate);
    w.start();
    return w.result;
  }

  /** Tells the resender of every member removed from the cluster. */
  private static Behavior<ClusterEvent.MemberRemoved> removals(Resender resender) {
    return Behaviors.setup(
        ctx -> {
          Cluster.get(ctx.getSystem())
              .subscriptions()
              .tell(Subscribe.create(ctx.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receiveMessage(
              removed -> {
                resender.memberRemoved(removed.member().address().toString());
                return Behaviors.same();
              });
        });
  }

  /**
   * A member left the cluster: the shards it held start elsewhere once the coordinator hears of
   * it, so every write still waiting is sent again shortly (it may have gone to that member).
   */
  public void memberRemoved(String address) {
    int n = pending.size();
    if (n == 0) {
      return;
    }
    LOG.info(
        "member {} removed: resending {} unanswered {} writes in {}",
        address,
        n,
        what,
        resendAfterRemoval);
    system
        .scheduler()
        .scheduleOnce(
            resendAfterRemoval,
            () -> {
              for (Write<?> w : pending) {
                w.resend();
              }
            },
            system.executionContext());
  }

  private static Throwable unwrap(Throwable err) {
    return err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
  }

  /** One write until it is answered or its time is up; attempts carry the same command id. */
  private final class Write<R> {
    final String entityId;
    final String commandId;
    final Function<Duration, CompletionStage<R>> send;
    final Predicate<R> duplicate;
    final long started = System.nanoTime();
    final long deadline = started + writeTimeout.toNanos();
    final CompletableFuture<R> result = new CompletableFuture<>();
    /** Only the newest attempt's timeout starts another one. */
    final AtomicInteger generation = new AtomicInteger();

    Write(
        String entityId,
        String commandId,
        Function<Duration, CompletionStage<R>> send,
        Predicate<R> duplicate) {
      this.entityId = entityId;
      this.commandId = commandId;
      this.send = send;
      this.duplicate = duplicate;
    }

    void start() {
      pending.add(this);
      result.whenComplete(
          (r, e) -> {
            pending.remove(this);
            int resent = generation.get();
            if (resent > 0) {
              // Rare outside a failover; the log line is the write outage as this node saw it.
              LOG.info(
                  "{} {} write {} {} after {} resends, {} ms after it was first sent",
                  what,
                  entityId,
                  commandId,
                  e == null
                      ? (duplicate.test(r) ? "answered (already applied)" : "answered")
                      : "failed",
                  resent,
                  (System.nanoTime() - started) / 1_000_000);
            }
          });
      attempt(generation.get());
    }

    void resend() {
      if (!result.isDone()) {
        resends.incrementAndGet();
        attempt(generation.incrementAndGet());
      }
    }

    private void attempt(int gen) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        result.completeExceptionally(
            new TimeoutException(what + " write not answered in " + writeTimeout));
        return;
      }
      Duration timeout = Duration.ofNanos(Math.min(left, attemptTimeout.toNanos()));
      CompletionStage<R> sent;
      try {
        sent = send.apply(timeout);
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      sent.whenComplete(
          (reply, err) -> {
            if (err == null) {
              result.complete(reply);
            } else if (unwrap(err) instanceof TimeoutException) {
              if (!result.isDone() && generation.compareAndSet(gen, gen + 1)) {
                if (deadline - System.nanoTime() > 0) {
                  resends.incrementAndGet();
                }
                attempt(gen + 1);
              }
            } else {
              result.completeExceptionally(err);
            }
          });
    }
  }
}
