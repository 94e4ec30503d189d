package io.erlmcp.actors.task;

import io.erlmcp.actors.CborSerializable;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskState;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * One MCP task: an event-sourced entity under Cluster Sharding, journaled like the sessions.
 *
 * <p>Command -> event -> state: a {@link Record} carries a runtime {@link TaskEvent}; the pure
 * {@link TaskState#accepts} decides whether it may happen (a task is created once; once it is
 * completed, failed or cancelled nothing changes it), the entity persists it and replies with
 * the state only after the journal has it. A refused event persists nothing and is answered with
 * the unchanged state. So a task's status and result survive the node that ran it: any node,
 * after any restart, reads them back from the journal.
 *
 * <p>A {@link Record} may arrive twice: the store resends a write whose answer did not come (its
 * node died, with the write or with the reply). An event equal to one of the last {@link
 * #RECENT} the entity applied (events carry their time, so a resend is equal and a new event is
 * not) is answered as applied and not written again. The recent events are rebuilt from the
 * journal when the entity recovers, so this holds on whichever node the resend reaches.
 */
public final class TaskEntity extends EventSourcedBehavior<TaskEntity.Command, TaskEvent, TaskState> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "erlmcp-task");

  /** Messages the entity understands. */
  public sealed interface Command extends CborSerializable {}

  /** Record an event (a creation, a status change, the outcome); reply after it is written. */
  public record Record(TaskEvent event, ActorRef<Reply> replyTo) implements Command {}

  /** The current state ({@link TaskState#EMPTY} for a task never created). */
  public record Get(ActorRef<Reply> replyTo) implements Command {}

  /**
   * The state, and whether the recorded event was accepted (always true for {@link Get}).
   *
   * @param duplicate the event had already been applied (a resend); nothing was written now
   */
  public record Reply(TaskState state, boolean accepted, boolean duplicate)
      implements CborSerializable {
    public Reply(TaskState state, boolean accepted) {
      this(state, accepted, false);
    }
  }

  /** How many of the latest applied events a resend is checked against. */
  static final int RECENT = 16;

  /** The latest applied events, newest last (from the journal on recovery, then as written). */
  private final java.util.ArrayDeque<TaskEvent> recent = new java.util.ArrayDeque<>();

  private TaskEntity(PersistenceId persistenceId) {
    super(persistenceId);
  }

  public static Behavior<Command> create(String taskId) {
    return new TaskEntity(PersistenceId.of(ENTITY_KEY.name(), taskId));
  }

  /** Registers the entity type with Cluster Sharding on this node. */
  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId())));
  }

  @Override
  public TaskState emptyState() {
    return TaskState.EMPTY;
  }

  @Override
  public CommandHandler<Command, TaskEvent, TaskState> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Record.class,
            (state, cmd) -> {
              if (recent.contains(cmd.event())) {
                return Effect().reply(cmd.replyTo(), new Reply(state, true, true));
              }
              if (!state.accepts(cmd.event())) {
                return Effect().reply(cmd.replyTo(), new Reply(state, false));
              }
              return Effect()
                  .persist(cmd.event())
                  .thenReply(cmd.replyTo(), s -> new Reply(s, true));
            })
        .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), new Reply(state, true)))
        .build();
  }

  @Override
  public EventHandler<TaskState, TaskEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) -> {
              recent.addLast(event);
              if (recent.size() > RECENT) {
                recent.removeFirst();
              }
              return state.apply(event);
            });
  }
}
