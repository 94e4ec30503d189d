package io.erlmcp.actors.session;

import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.session.SessionCommand;
import io.erlmcp.runtime.session.SessionEvent;
import io.erlmcp.runtime.session.SessionMachine;
import io.erlmcp.runtime.session.SessionState;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One MCP session: an event-sourced entity under Cluster Sharding (erlmcp_session_ha).
 *
 * <p>Command -> event -> state: an {@link Execute} carries a runtime {@link SessionCommand}; the
 * pure {@link SessionMachine} decides which {@link SessionEvent}s it produces, the entity
 * persists them, and only after the journal has them does it reply with the new state. So an
 * acknowledged change survives the node (RPO 0 by construction); a refused command persists
 * nothing and is answered with its JSON-RPC error. Reads ({@link Get}) are answered from memory.
 *
 * <p>The entity lives wherever sharding puts it and recovers from the journal (and its latest
 * snapshot) on whichever node next needs it.
 */
public final class SessionEntity
    extends EventSourcedBehavior<SessionEntity.Command, SessionEvent, SessionState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "erlmcp-session");

  /** Messages the entity understands. */
  public sealed interface Command extends CborSerializable {}

  /**
   * Run a session command; the reply comes after its events are written.
   *
   * @param commandId null, or an id unique to this command: the entity records it with the
   *     command's events, and a resend with the same id is answered from that record instead of
   *     being applied again (see {@link SessionGateway})
   */
  public record Execute(SessionCommand command, ActorRef<Reply> replyTo, String commandId)
      implements Command {
    public Execute(SessionCommand command, ActorRef<Reply> replyTo) {
      this(command, replyTo, null);
    }
  }

  /**
   * The answer to {@link Execute}: the state after the command, or why it was refused.
   *
   * @param revision the journal sequence number the state reflects
   * @param firstSeq the id of the first stream event the command appended (the session's next
   *     stream sequence number before it)
   * @param duplicate the command had already been applied (a resend); nothing was written now
   */
  public record Reply(
      SessionState state, JsonRpcError error, long revision, long firstSeq, boolean duplicate)
      implements CborSerializable {
    public Reply(SessionState state, JsonRpcError error) {
      this(state, error, 0, 0, false);
    }

    public Reply(SessionState state, JsonRpcError error, long revision) {
      this(state, error, revision, 0, false);
    }

    public Reply {
      // Jackson reads a null JsonNode back as NullNode, so an error without data would come
      // back from another node with "data": null. Absent and JSON null data are one here.
      if (error != null && error.data() != null && error.data().isNull()) {
        error = error.withData(null);
      }
    }

    public boolean accepted() {
      return error == null;
    }
  }

  /** The current state (the empty state when the session was never initialized). */
  public record Get(ActorRef<SessionState> replyTo) implements Command {}

  /** The current state with the journal sequence number it reflects (as an accepted Reply). */
  public record GetWithRevision(ActorRef<Reply> replyTo) implements Command {}

  /** Tunables, from {@code erlmcp.session} in configuration. */
  public record Settings(int streamBufferLimit, int snapshotEvery, SessionMachine.Limits limits) {
    public static final Settings DEFAULT =
        new Settings(SessionState.DEFAULT_BUFFER_LIMIT, 200, SessionMachine.Limits.DEFAULT);
  }

  private final SessionMachine machine;
  private final Settings settings;
  private final String sessionId;
  private final org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx;
  private final ReplicatedReadCopies readCopies;

  private SessionEntity(
      PersistenceId persistenceId,
      String sessionId,
      Settings settings,
      org.apache.pekko.actor.typed.javadsl.ActorContext<Command> ctx,
      ReplicatedReadCopies readCopies) {
    super(persistenceId);
    this.settings = settings;
    this.sessionId = sessionId;
    this.ctx = ctx;
    this.readCopies = readCopies;
    this.machine = new SessionMachine(settings.limits());
  }

  public static Behavior<Command> create(String sessionId, Settings settings) {
    return Behaviors.setup(
        ctx -> {
          ctx.getLog().debug("session {} starting", sessionId);
          ReplicatedReadCopies copies =
              ReplicatedReadCopies.enabled(ctx.getSystem())
                  ? ReplicatedReadCopies.get(ctx.getSystem())
                  : null;
          return new SessionEntity(
              PersistenceId.of(ENTITY_KEY.name(), sessionId), sessionId, settings, ctx, copies);
        });
  }

  /**
   * Registers the entity type with Cluster Sharding on this node. Idle passivation comes from
   * {@code pekko.cluster.sharding.passivation} (erlmcp sets it from {@code
   * erlmcp.session.passivate-after}).
   */
  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), settings)));
  }

  @Override
  public SessionState emptyState() {
    return SessionState.empty(settings.streamBufferLimit());
  }

  @Override
  public CommandHandler<Command, SessionEvent, SessionState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Execute.class, this::onExecute)
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state))
        .onCommand(
            GetWithRevision.class,
            (state, get) ->
                Effect().reply(get.replyTo(), new Reply(state, null, lastSequenceNumber(ctx))))
        .build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<SessionEvent, SessionState> onExecute(
      SessionState state, Execute cmd) {
    Long applied = state.appliedCommand(cmd.commandId());
    if (applied != null) {
      ctx.getLog().debug("session {}: command {} already applied", sessionId, cmd.commandId());
      return Effect()
          .reply(cmd.replyTo(), new Reply(state, null, lastSequenceNumber(ctx), applied, true));
    }
    SessionMachine.Decision d = machine.decide(state, cmd.command());
    if (!d.accepted()) {
      return Effect().reply(cmd.replyTo(), new Reply(null, d.error()));
    }
    long firstSeq = state.nextSeq();
    if (d.events().isEmpty()) {
      return Effect()
          .reply(cmd.replyTo(), new Reply(state, null, lastSequenceNumber(ctx), firstSeq, false));
    }
    java.util.List<SessionEvent> events = d.events();
    if (cmd.commandId() != null) {
      // Written atomically with the command's events: either both are in the journal or neither.
      events = new java.util.ArrayList<>(events);
      events.add(new SessionEvent.CommandApplied(cmd.commandId(), firstSeq));
    }
    return Effect()
        .persist(events)
        .thenRun(
            s -> {
              long revision = lastSequenceNumber(ctx);
              Reply reply = new Reply(s, null, revision, firstSeq, false);
              // Only changes a reader can see are replicated (not stream events alone). The
              // reply waits until the reachable members hold the copy: a client that reads its
              // write through another node right after this node dies still sees it.
              if (readCopies != null && ReplicatedReadCopies.readersSeeADifference(state, s)) {
                readCopies
                    .publishToReachable(sessionId, revision, s)
                    .thenRun(() -> cmd.replyTo().tell(reply));
              } else {
                cmd.replyTo().tell(reply);
              }
            });
  }

  @Override
  public org.apache.pekko.persistence.typed.javadsl.SignalHandler<SessionState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            org.apache.pekko.persistence.typed.RecoveryCompleted.instance(),
            state -> {
              // A copy elsewhere may have missed the last change (its writer died before gossip
              // spread it): the recovered state, read from the journal, is complete.
              if (readCopies != null && state.exists()) {
                readCopies.publish(sessionId, lastSequenceNumber(ctx), state);
              }
            })
        .build();
  }

  @Override
  public EventHandler<SessionState, SessionEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(SessionState::apply);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }
}
