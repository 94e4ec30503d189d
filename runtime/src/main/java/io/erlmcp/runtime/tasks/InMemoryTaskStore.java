package io.erlmcp.runtime.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tasks in this JVM's memory: the same state machine as the journaled store, without the journal
 * (lost with the process). For tests and for embedding the dispatcher without actors.
 */
public final class InMemoryTaskStore implements TaskStore {
  private final Map<String, TaskState> tasks = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<TaskState> create(TaskEvent.Created created) {
    TaskState[] made = new TaskState[1];
    tasks.compute(
        created.taskId(),
        (id, old) -> {
          if (old != null) {
            return old;
          }
          made[0] = TaskState.EMPTY.apply(created);
          return made[0];
        });
    if (made[0] == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("task " + created.taskId() + " exists"));
    }
    return CompletableFuture.completedFuture(made[0]);
  }

  @Override
  public CompletionStage<Optional<TaskState>> get(String taskId) {
    return CompletableFuture.completedFuture(Optional.ofNullable(tasks.get(taskId)));
  }

  @Override
  public CompletionStage<TaskState> append(String taskId, TaskEvent event) {
    TaskState after =
        tasks.computeIfPresent(taskId, (id, s) -> s.accepts(event) ? s.apply(event) : s);
    if (after == null) {
      return CompletableFuture.failedFuture(new NoSuchElementException("no task " + taskId));
    }
    return CompletableFuture.completedFuture(after);
  }

  @Override
  public CompletionStage<List<TaskState>> list(String owner) {
    List<TaskState> out = new ArrayList<>();
    for (TaskState s : tasks.values()) {
      if (Objects.equals(owner, s.owner())) {
        out.add(s);
      }
    }
    out.sort(Comparator.comparingLong(TaskState::createdAt).thenComparing(TaskState::taskId));
    return CompletableFuture.completedFuture(out);
  }
}
