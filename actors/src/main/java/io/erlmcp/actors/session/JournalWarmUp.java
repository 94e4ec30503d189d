package io.erlmcp.actors.session;

import io.erlmcp.actors.CborSerializable;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Makes the journal and snapshot store ready before this node hosts any session.
 *
 * <p>A node that has just started would otherwise connect to Cassandra, read its schema and
 * prepare its statements when the first session recovers on it, which on a busy machine took
 * more than 15 s: every session that sharding moved to a restarted node (a rebalance) could not
 * be written for that long. The warm-up recovers one persistent actor of its own (snapshot read
 * and event replay) and writes one small event, through the configured plugins; the guardian
 * starts sharding only after it (or after its timeout, with a warning).
 */
public final class JournalWarmUp
    extends EventSourcedBehavior<JournalWarmUp.Warm, JournalWarmUp.WarmedUp, Long> {

  /** Recover, write one event, reply. */
  public record Warm(ActorRef<Done> replyTo) implements CborSerializable {}

  /** The event: the node started at this time. */
  public record WarmedUp(long atMillis) implements CborSerializable {}

  private JournalWarmUp(PersistenceId id) {
    super(id);
  }

  /**
   * Warms the plugins up under a persistence id of this node's own ({@code erlmcp-warmup|host:port}),
   * so nodes never share it. One event per node start is written there.
   */
  public static CompletionStage<Done> run(ActorContext<?> ctx, Duration timeout) {
    String node = ctx.getSystem().address().hostPort();
    ActorRef<Warm> ref =
        ctx.spawnAnonymous(
            Behaviors.<Warm>setup(c -> new JournalWarmUp(PersistenceId.of("erlmcp-warmup", node))));
    return AskPattern.ask(ref, Warm::new, timeout, ctx.getSystem().scheduler());
  }

  @Override
  public Long emptyState() {
    return 0L;
  }

  @Override
  public CommandHandler<Warm, WarmedUp, Long> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Warm.class,
            (state, w) ->
                Effect()
                    .persist(new WarmedUp(System.currentTimeMillis()))
                    .thenRun(s -> w.replyTo().tell(Done.getInstance()))
                    .thenStop())
        .build();
  }

  @Override
  public EventHandler<Long, WarmedUp> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((n, e) -> n + 1);
  }
}
