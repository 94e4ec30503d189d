package io.erlmcp.runtime.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.erlmcp.runtime.Json;
import java.time.Instant;

/**
 * A task as the fold of its {@link TaskEvent}s. Immutable; {@link #apply} gives the next state.
 * {@link #accepts} is the whole state machine: a task is created once, and once it is terminal
 * (completed, failed, cancelled) no event changes it (a late result of a cancelled handler is
 * dropped, a second cancel is a no-op).
 */
public record TaskState(
    String taskId,
    String owner,
    String protocolVersion,
    String toolName,
    JsonNode arguments,
    JsonNode requestMeta,
    TaskStatus status,
    String statusMessage,
    long createdAt,
    long lastUpdatedAt,
    long ttlMs,
    long pollIntervalMs,
    JsonNode inputRequests,
    JsonNode responses,
    JsonNode result,
    JsonNode error,
    String runner) {

  public TaskState {
    // Jackson reads a null JsonNode back as NullNode: absent and JSON null are one here, so a
    // state read back from the journal equals the one written.
    arguments = TaskEvent.orNull(arguments);
    requestMeta = TaskEvent.orNull(requestMeta);
    inputRequests = TaskEvent.orNull(inputRequests);
    responses = TaskEvent.orNull(responses);
    result = TaskEvent.orNull(result);
    error = TaskEvent.orNull(error);
  }

  /** The state of a task id never created. */
  public static final TaskState EMPTY =
      new TaskState(
          null, null, null, null, null, null, null, null, 0, 0, 0, 0, null, null, null, null,
          null);

  public boolean exists() {
    return taskId != null;
  }

  public boolean isTerminal() {
    return status != null && status.isTerminal();
  }

  /** Whether the task outlived its ttl (0: kept until the store drops it). */
  public boolean expired(long nowMillis) {
    return exists() && ttlMs > 0 && nowMillis > createdAt + ttlMs;
  }

  /** Whether {@code e} may happen to a task in this state. */
  public boolean accepts(TaskEvent e) {
    if (e instanceof TaskEvent.Created) {
      return !exists();
    }
    return exists() && !isTerminal();
  }

  /** The next state. Call only with an event {@link #accepts} allows. */
  public TaskState apply(TaskEvent e) {
    if (e instanceof TaskEvent.Created c) {
      return new TaskState(
          c.taskId(),
          c.owner(),
          c.protocolVersion(),
          c.toolName(),
          c.arguments(),
          c.requestMeta(),
          TaskStatus.WORKING,
          null,
          c.atMillis(),
          c.atMillis(),
          c.ttlMs(),
          c.pollIntervalMs(),
          null,
          c.responses() == null ? Json.object() : c.responses(),
          null,
          null,
          c.runner());
    }
    if (e instanceof TaskEvent.StatusChanged s) {
      TaskState next =
          with(s.status(), s.message(), s.inputRequests(), responses, null, null, s.atMillis());
      return s.runner() == null ? next : next.runBy(s.runner());
    }
    if (e instanceof TaskEvent.InputProvided in) {
      ObjectNode all = responses == null ? Json.object() : ((ObjectNode) responses).deepCopy();
      ObjectNode open =
          inputRequests == null || !inputRequests.isObject()
              ? Json.object()
              : ((ObjectNode) inputRequests).deepCopy();
      in.responses()
          .properties()
          .forEach(
              r -> {
                all.set(r.getKey(), r.getValue());
                open.remove(r.getKey());
              });
      return with(status, statusMessage, open, all, null, null, in.atMillis());
    }
    if (e instanceof TaskEvent.Completed c) {
      return with(TaskStatus.COMPLETED, null, null, responses, c.result(), null, c.atMillis());
    }
    if (e instanceof TaskEvent.Failed f) {
      String msg = f.error() == null ? null : f.error().path("message").asText(null);
      return with(TaskStatus.FAILED, msg, null, responses, null, f.error(), f.atMillis());
    }
    if (e instanceof TaskEvent.Cancelled c) {
      return with(TaskStatus.CANCELLED, c.reason(), null, responses, null, null, c.atMillis());
    }
    throw new IllegalArgumentException("unknown task event " + e);
  }

  private TaskState with(
      TaskStatus st,
      String message,
      JsonNode open,
      JsonNode answers,
      JsonNode res,
      JsonNode err,
      long at) {
    return new TaskState(
        taskId,
        owner,
        protocolVersion,
        toolName,
        arguments,
        requestMeta,
        st,
        message,
        createdAt,
        Math.max(lastUpdatedAt, at),
        ttlMs,
        pollIntervalMs,
        open,
        answers,
        res,
        err,
        runner);
  }

  private TaskState runBy(String r) {
    return new TaskState(
        taskId, owner, protocolVersion, toolName, arguments, requestMeta, status, statusMessage,
        createdAt, lastUpdatedAt, ttlMs, pollIntervalMs, inputRequests, responses, result, error,
        r);
  }

  // ---------------------------------------------------------------- wire shapes

  static String iso(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** The Task object of 2025-11-25 (tasks/get, tasks/cancel, tasks/list, CreateTaskResult.task). */
  public ObjectNode toTaskJson() {
    ObjectNode t = Json.object().put("taskId", taskId).put("status", status.wireName());
    if (statusMessage != null) {
      t.put("statusMessage", statusMessage);
    }
    t.put("createdAt", iso(createdAt)).put("lastUpdatedAt", iso(lastUpdatedAt));
    if (ttlMs > 0) {
      t.put("ttl", ttlMs);
    } else {
      t.putNull("ttl");
    }
    if (pollIntervalMs > 0) {
      t.put("pollInterval", pollIntervalMs);
    }
    return t;
  }

  /**
   * The Task of the tasks extension (2026-07-28): flat, durations in {@code ttlMs} and {@code
   * pollIntervalMs}. With {@code detailed}, what {@code tasks/get} adds: the result of a completed
   * task, the error of a failed one, the open input requests of one waiting for input.
   */
  public ObjectNode toExtensionJson(boolean detailed) {
    ObjectNode t = Json.object().put("taskId", taskId).put("status", status.wireName());
    if (statusMessage != null) {
      t.put("statusMessage", statusMessage);
    }
    t.put("createdAt", iso(createdAt)).put("lastUpdatedAt", iso(lastUpdatedAt));
    if (ttlMs > 0) {
      t.put("ttlMs", ttlMs);
    } else {
      t.putNull("ttlMs");
    }
    if (pollIntervalMs > 0) {
      t.put("pollIntervalMs", pollIntervalMs);
    }
    if (detailed) {
      if (status == TaskStatus.COMPLETED && result != null) {
        t.set("result", result);
      } else if (status == TaskStatus.FAILED && error != null) {
        t.set("error", error);
      } else if (status == TaskStatus.INPUT_REQUIRED && inputRequests != null) {
        t.set("inputRequests", inputRequests);
      }
    }
    return t;
  }
}
