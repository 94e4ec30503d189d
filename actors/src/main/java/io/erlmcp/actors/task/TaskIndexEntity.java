package io.erlmcp.actors.task;

import io.erlmcp.actors.CborSerializable;
import java.util.ArrayList;
import java.util.List;
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
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The task ids of one owner (a 2025-11-25 session), for {@code tasks/list}: an event-sourced
 * entity under Cluster Sharding, one per owner, so the list survives restarts like the tasks
 * themselves. Bounded: past {@code limit} ids the oldest are dropped from the list (the tasks
 * stay readable by id until their ttl).
 */
public final class TaskIndexEntity
    extends EventSourcedBehavior<TaskIndexEntity.Command, TaskIndexEntity.Indexed, TaskIndexEntity.State> {

  public static final EntityTypeKey<Command> ENTITY_KEY =
      EntityTypeKey.create(Command.class, "erlmcp-task-index");

  public sealed interface Command extends CborSerializable {}

  /** Add a task id; {@code replyTo} hears once it is written. */
  public record Add(String taskId, ActorRef<Ids> replyTo) implements Command {}

  /** The owner's task ids, oldest first. */
  public record GetIds(ActorRef<Ids> replyTo) implements Command {}

  public record Ids(List<String> taskIds) implements CborSerializable {
    public Ids {
      taskIds = List.copyOf(taskIds);
    }
  }

  /** The journal's record: a task of this owner was created. */
  public record Indexed(String taskId) implements CborSerializable {}

  /** The ids, oldest first, at most {@code limit}. */
  public record State(List<String> taskIds) implements CborSerializable {
    public State {
      taskIds = List.copyOf(taskIds);
    }

    State add(String id, int limit) {
      List<String> next = new ArrayList<>(taskIds);
      next.remove(id);
      next.add(id);
      while (next.size() > limit) {
        next.remove(0);
      }
      return new State(next);
    }
  }

  private final int limit;

  private TaskIndexEntity(PersistenceId id, int limit) {
    super(id);
    this.limit = limit;
  }

  public static Behavior<Command> create(String owner, int limit) {
    return new TaskIndexEntity(PersistenceId.of(ENTITY_KEY.name(), owner), limit);
  }

  public static void init(ActorSystem<?> system, int limit) {
    ClusterSharding.get(system)
        .init(Entity.of(ENTITY_KEY, ctx -> create(ctx.getEntityId(), limit)));
  }

  @Override
  public State emptyState() {
    return new State(List.of());
  }

  @Override
  public CommandHandler<Command, Indexed, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(
            Add.class,
            (state, add) ->
                state.taskIds().contains(add.taskId())
                    // A resend (its first attempt's reply was lost): already indexed.
                    ? Effect().reply(add.replyTo(), new Ids(state.taskIds()))
                    : Effect()
                        .persist(new Indexed(add.taskId()))
                        .thenReply(add.replyTo(), s -> new Ids(s.taskIds())))
        .onCommand(GetIds.class, (state, get) -> Effect().reply(get.replyTo(), new Ids(state.taskIds())))
        .build();
  }

  @Override
  public EventHandler<State, Indexed> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> s.add(e.taskId(), limit));
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }
}
