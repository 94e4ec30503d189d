package io.erlmcp.runtime.tasks;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Where tasks live. Every stage completes once the change is durable (the actor host writes each
 * event to the journal before it answers), so a task the client was told about can be read back
 * on any node and after a restart. {@link InMemoryTaskStore} serves tests and embedders without
 * a journal.
 */
public interface TaskStore {

  /** Creates a task; fails with {@link IllegalStateException} when the id is taken. */
  CompletionStage<TaskState> create(TaskEvent.Created created);

  /** The task, or empty when it was never created. */
  CompletionStage<Optional<TaskState>> get(String taskId);

  /**
   * Records {@code event} when the task's state {@link TaskState#accepts accepts} it; completes
   * with the state after it (unchanged when refused: a terminal task stays as it is). Fails with
   * {@link java.util.NoSuchElementException} for a task never created.
   */
  CompletionStage<TaskState> append(String taskId, TaskEvent event);

  /** The tasks of one owner (a session), oldest first. */
  CompletionStage<List<TaskState>> list(String owner);
}
