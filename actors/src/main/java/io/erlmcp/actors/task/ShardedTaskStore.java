package io.erlmcp.actors.task;

import io.erlmcp.runtime.Stages;
import io.erlmcp.runtime.tasks.TaskEvent;
import io.erlmcp.runtime.tasks.TaskState;
import io.erlmcp.runtime.tasks.TaskStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import io.erlmcp.runtime.jsonrpc.JsonRpcError;
import io.erlmcp.runtime.jsonrpc.JsonRpcException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The journaled {@link TaskStore}: each task is a {@link TaskEntity}, each owner's list a {@link
 * TaskIndexEntity}, wherever sharding keeps them. An edge like the session gateway: the one
 * place that asks these entities, with the timeout from configuration.
 *
 * <p>Writes are resent until answered, as the session gateway's are ({@link
 * io.erlmcp.actors.cluster.Resender}, with {@code erlmcp.session}'s write settings): a task
 * created or finished on a node whose entity host just died is recorded once the entity recovers
 * elsewhere, and a resend of an event already applied is answered without writing it again.
 */
public final class ShardedTaskStore implements TaskStore {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final BooleanSupplier writable;
  private final io.erlmcp.actors.cluster.Resender resender;

  /**
   * @param writable whether this node may write now (false while it cannot see a majority of
   *     its cluster: then creating, updating and cancelling tasks is refused, -32010, like
   *     every other write; reads go on)
   */
  public ShardedTaskStore(ActorSystem<?> system, Duration askTimeout, BooleanSupplier writable) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.writable = writable;
    this.resender =
        io.erlmcp.actors.cluster.Resender.fromConfig(
            system, "task", system.settings().config().getConfig("erlmcp.session"));
  }

  /** How many write attempts were resends, since start. */
  public long resends() {
    return resender.resends();
  }

  public ShardedTaskStore(ActorSystem<?> system, Duration askTimeout) {
    this(system, askTimeout, () -> true);
  }

  /** Error code of a write refused on a read-only node (the same as the edge's). */
  public static final int READ_ONLY = -32010;

  private <T> CompletableFuture<T> refusedIfReadOnly() {
    if (writable.getAsBoolean()) {
      return null;
    }
    return CompletableFuture.failedFuture(
        new JsonRpcException(
            JsonRpcError.of(READ_ONLY, "Node is read-only: it cannot see a majority of its cluster")
                .withData(
                    io.erlmcp.runtime.Json.object()
                        .put("mode", "read_only")
                        .put("retry", "send the request to another node or retry later"))));
  }

  /** Registers both entity types on this node (every node that serves tasks does). */
  public static void init(ActorSystem<?> system, int listLimit) {
    TaskEntity.init(system);
    TaskIndexEntity.init(system, listLimit);
  }

  private CompletionStage<TaskEntity.Reply> record(String taskId, TaskEvent event) {
    CompletableFuture<TaskEntity.Reply> refused = refusedIfReadOnly();
    if (refused != null) {
      return refused;
    }
    return resender.send(
        taskId,
        resender.nextCommandId(),
        timeout ->
            Stages.direct(
                sharding
                    .entityRefFor(TaskEntity.ENTITY_KEY, taskId)
                    .<TaskEntity.Reply>ask(
                        replyTo -> new TaskEntity.Record(event, replyTo), timeout)),
        TaskEntity.Reply::duplicate);
  }

  @Override
  public CompletionStage<TaskState> create(TaskEvent.Created created) {
    return record(created.taskId(), created)
        .thenCompose(
            reply -> {
              if (!reply.accepted()) {
                throw new IllegalStateException("task " + created.taskId() + " exists");
              }
              if (created.owner() == null) {
                return CompletableFuture.completedFuture(reply.state());
              }
              return resender
                  .send(
                      created.owner(),
                      resender.nextCommandId(),
                      timeout ->
                          Stages.direct(
                              sharding
                                  .entityRefFor(TaskIndexEntity.ENTITY_KEY, created.owner())
                                  .<TaskIndexEntity.Ids>ask(
                                      replyTo -> new TaskIndexEntity.Add(created.taskId(), replyTo),
                                      timeout)),
                      ids -> false)
                  .thenApply(ids -> reply.state());
            });
  }

  @Override
  public CompletionStage<Optional<TaskState>> get(String taskId) {
    return Stages.direct(
            sharding
                .entityRefFor(TaskEntity.ENTITY_KEY, taskId)
                .<TaskEntity.Reply>ask(TaskEntity.Get::new, askTimeout))
        .thenApply(r -> r.state().exists() ? Optional.of(r.state()) : Optional.empty());
  }

  @Override
  public CompletionStage<TaskState> append(String taskId, TaskEvent event) {
    return record(taskId, event)
        .thenApply(
            r -> {
              if (!r.state().exists()) {
                throw new NoSuchElementException("no task " + taskId);
              }
              return r.state();
            });
  }

  @Override
  public CompletionStage<List<TaskState>> list(String owner) {
    return Stages.direct(
            sharding
                .entityRefFor(TaskIndexEntity.ENTITY_KEY, owner)
                .<TaskIndexEntity.Ids>ask(TaskIndexEntity.GetIds::new, askTimeout))
        .thenCompose(
            ids -> {
              List<CompletableFuture<Optional<TaskState>>> all = new ArrayList<>();
              for (String id : ids.taskIds()) {
                all.add(get(id).toCompletableFuture());
              }
              return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                  .thenApply(
                      v -> {
                        List<TaskState> out = new ArrayList<>();
                        all.forEach(f -> f.join().ifPresent(out::add));
                        out.sort(
                            Comparator.comparingLong(TaskState::createdAt)
                                .thenComparing(TaskState::taskId));
                        return out;
                      });
            });
  }
}
